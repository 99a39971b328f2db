# The plugin ABI headers as a later minor (a simulated 2.1) would have
# them: a field appended to each structure the host hands to backends.
s/^#define AP_ABI_MINOR 0$/#define AP_ABI_MINOR 1/
s/^} ap_net_pop;$/  double appended_2_1; \/* simulated 2.1 *\/\n} ap_net_pop;/
s/^} ap_net_proj;$/  double appended_2_1; \/* simulated 2.1 *\/\n} ap_net_proj;/
s/^} ap_rule_ctx;$/  double appended_2_1; \/* simulated 2.1 *\/\n} ap_rule_ctx;/
s/^} ap_net;$/  double appended_2_1; \/* simulated 2.1 *\/\n} ap_net;/
