# The plugin ABI headers as the next minor would have
# them: a field appended to each structure the host hands to backends.
s/^#define AP_ABI_MINOR 3$/#define AP_ABI_MINOR 4/
s/^} ap_net_pop;$/  double appended_next; \/* simulated next minor *\/\n} ap_net_pop;/
s/^} ap_net_proj;$/  double appended_next; \/* simulated next minor *\/\n} ap_net_proj;/
s/^} ap_rule_ctx;$/  double appended_next; \/* simulated next minor *\/\n} ap_rule_ctx;/
s/^} ap_net;$/  double appended_next; \/* simulated next minor *\/\n} ap_net;/
