/* embed.c -- a program that embeds libapical, built against the installed
 * library with `pkg-config --cflags --libs apical` (tests/e2e/sdk.sh):
 * registry and settings, a spike source driving two neurons, a recorder,
 * and callbacks scheduled from C, one of which lesions a neuron mid-run
 * and one of which stops a later run.  Prints "embed ok" when every
 * check holds, else the first that failed, with exit status 1. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "apical.h"

static int fails;
#define CHECK(cond, ...)                 \
  do {                                   \
    if (!(cond)) {                       \
      fprintf(stderr, "embed: ");        \
      fprintf(stderr, __VA_ARGS__);      \
      fputc('\n', stderr);               \
      fails++;                           \
    }                                    \
  } while (0)

typedef struct ticks {
  int64_t steps[16];
  int n;
  size_t post;
} ticks;

/* Every 2 ms: note when it ran, and check that it cannot run the net. */
static int every(ap_sim *sim, int64_t step, void *ctx) {
  ticks *t = ctx;
  if (t->n < 16) t->steps[t->n++] = step;
  CHECK(ap_sim_in_callback(sim), "ap_sim_in_callback is 0 in a callback");
  CHECK(ap_sim_run_steps(sim, 1) == AP_ESTATE,
        "a callback could run the simulation");
  return AP_OK;
}

/* At 6.5 ms: silence the second neuron. */
static int lesion(ap_sim *sim, int64_t step, void *ctx) {
  ticks *t = ctx;
  (void)step;
  ap_ref r = {t->post, 0, 2};
  const uint32_t idx[1] = {1};
  return ap_pop_lesion(sim, r, idx, 1);
}

static int stop(ap_sim *sim, int64_t step, void *ctx) {
  (void)ctx;
  return ap_sim_set_error(sim, AP_EINVAL, "stopped at step %lld",
                          (long long)step);
}

int main(void) {
  char err[512];
  ap_registry *reg = ap_registry_new();
  ap_registry_scan_default(reg, NULL);
  CHECK(ap_registry_count(reg) >= 4, "only %zu plugins found",
        ap_registry_count(reg));
  ap_settings *set = ap_settings_new();
  CHECK(ap_settings_set(set, "dt", "0.1", AP_SRC_CLI, err, sizeof err) == 0,
        "dt: %s", err);
  CHECK(ap_settings_set(set, "dt", "-1", AP_SRC_CLI, err, sizeof err) != 0 &&
            strstr(err, "dt"),
        "a bad dt was accepted (%s)", err);
  ap_sim *sim = ap_sim_new(reg, set);
  size_t src, post, proj, rec;
  CHECK(ap_sim_population(sim, "spike_source", 1, &src) == AP_OK, "%s",
        ap_sim_error(sim));
  const double times[3] = {1.0, 4.0, 7.0};
  const size_t off[2] = {0, 3};
  ap_ref rs = {src, 0, 1};
  CHECK(ap_pop_set_list(sim, rs, "spike_times", times, off) == AP_OK, "%s",
        ap_sim_error(sim));
  CHECK(ap_sim_population(sim, "lif_psc_delta", 2, &post) == AP_OK, "%s",
        ap_sim_error(sim));
  ap_ref rp = {post, 0, 2};
  ap_conn_spec c = {0};
  c.rule = AP_CONN_ALL_TO_ALL;
  c.allow_autapses = c.allow_multapses = 1;
  ap_syn_spec s = {0};
  s.weight.kind = AP_VAL_SCALAR;
  s.weight.a = 20.0; /* mV: one input spike makes one output spike */
  s.delay.kind = AP_VAL_SCALAR;
  s.delay.a = 1.0;
  CHECK(ap_sim_connect(sim, rs, rp, &c, &s, &proj) == AP_OK, "%s",
        ap_sim_error(sim));
  CHECK(ap_sim_record(sim, rp, "spikes", 0, NULL, &rec) == AP_OK, "%s",
        ap_sim_error(sim));
  ticks t = {{0}, 0, post};
  CHECK(ap_sim_every_steps(sim, 20, every, &t) == AP_OK, "%s",
        ap_sim_error(sim));
  CHECK(ap_sim_at_step(sim, 65, lesion, &t) == AP_OK, "%s",
        ap_sim_error(sim));
  CHECK(ap_sim_run_steps(sim, 100) == AP_OK, "run: %s", ap_sim_error(sim));
  CHECK(ap_sim_step(sim) == 100, "the clock is at step %lld",
        (long long)ap_sim_step(sim));

  /* every 2 ms: steps 20, 40, 60, 80, 100 */
  CHECK(t.n == 5, "the 2 ms callback ran %d times", t.n);
  for (int i = 0; i < t.n && i < 5; i++)
    CHECK(t.steps[i] == 20 * (i + 1), "call %d at step %lld", i,
          (long long)t.steps[i]);
  /* inputs arrive at 2, 5 and 8 ms; the second neuron, silenced at 6.5
   * ms, answers the first two only */
  ap_recorder *r = ap_sim_recorder(sim, rec);
  size_t n = ap_rec_count(r);
  const uint32_t *who = ap_rec_senders(r);
  const double *when = ap_rec_times(r);
  int per[3] = {0, 0, 0};
  for (size_t k = 0; k < n; k++) {
    if (who[k] >= 1 && who[k] <= 2) per[who[k]]++;
    CHECK(when[k] > 1.9 && when[k] < 8.3, "a spike at %g ms", when[k]);
  }
  CHECK(per[1] == 3 && per[2] == 2,
        "spikes: neuron 1 %d (want 3), neuron 2 %d (want 2)", per[1], per[2]);
  CHECK(ap_rec_var(r) == NULL && ap_rec_width(r) == 2,
        "a spike recorder of %zu neurons reads as '%s' of %zu",
        (size_t)2, ap_rec_var(r) ? ap_rec_var(r) : "(spikes)",
        ap_rec_width(r));

  /* a callback's status stops the run at its step, with its message */
  CHECK(ap_sim_at_step(sim, 130, stop, NULL) == AP_OK, "%s",
        ap_sim_error(sim));
  CHECK(ap_sim_run_steps(sim, 100) == AP_EINVAL, "the stopped run went on");
  CHECK(ap_sim_step(sim) == 130 &&
            strcmp(ap_sim_error(sim), "stopped at step 130") == 0,
        "stopped at %lld with '%s'", (long long)ap_sim_step(sim),
        ap_sim_error(sim));
  /* a bad index is refused with a message, not read */
  CHECK(ap_sim_save(sim, 7, "x.csv") == AP_EINVAL &&
            strstr(ap_sim_error(sim), "no recorder 7"),
        "ap_sim_save on recorder 7: '%s'", ap_sim_error(sim));

  ap_sim_free(sim);
  ap_settings_delete(set);
  ap_registry_free(reg);
  if (fails) return 1;
  puts("embed ok");
  return 0;
}
