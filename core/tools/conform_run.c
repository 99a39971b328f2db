/* conform_run.c -- the runs of `apical check-plugin` for neuron models,
 * synapse models and backends (learning rules: conform_rule.c).
 *
 * A neuron model runs as a small population at its defaults: without
 * input, with random input on every port, the second of these again (the
 * two must agree bit for bit), and once per port beside a run without
 * input, in lockstep, until the port's input changes a state variable or
 * a spike.  State must stay finite throughout.  A synapse model's
 * transmit() runs on one row at irregular spike times; a backend runs a
 * small recurrent network of the first neuron model it accepts. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tools/conform.h"
#include "tools/conform_int.h"
#include "tools/conform_pop.h"
#include "plugin/host.h"
#include "base/rng.h"
#include "base/strutil.h"

#define N AP_CONFORM_NEURONS
#define DT AP_CONFORM_DT
#define STEPS AP_CONFORM_STEPS


/* ---------------------------------------------------------- neurons */

enum { IN_NONE = -1, IN_ALL = -2 };

/* Open and prepare a population of pd and run it `steps` steps with
 * random input on `ports` (a port, IN_NONE or IN_ALL), checking the state
 * after each.  0, or -1 with the reason in why; close p either way. */
static int run_pop(cf_pop *p, const ap_plugin_desc *pd, int ports,
                   int64_t steps, char *why, size_t wn) {
  if (cf_pop_open(p, pd, N, DT, why, wn)) return -1;
  if (cf_pop_prepare(p)) {
    ap_fmt(why, wn, "prepare() refuses the defaults: %s", p->err);
    return -1;
  }
  for (int64_t s = 0; s < steps; s++) {
    if (ports == IN_ALL)
      for (unsigned q = 0; q < p->d->n_ports; q++) cf_pop_input(p, q, s);
    else if (ports >= 0)
      cf_pop_input(p, (unsigned)ports, s);
    if (cf_pop_step(p, s, -1)) {
      ap_fmt(why, wn, "%s", p->err);
      return -1;
    }
    if (cf_pop_bad(p, s + 1, why, wn)) return -1;
  }
  return 0;
}

/* "n_comp = 3, layer = 0": the default structure of a shaped model. */
static void structure_text(char *buf, size_t n, const ap_neuron_desc *d) {
  buf[0] = '\0';
  for (unsigned k = 0; k < d->n_params; k++)
    if (d->params[k].range & AP_PARAM_STRUCTURE)
      ap_append(buf, n, "%s%s = %g", buf[0] ? ", " : "", d->params[k].name,
                d->params[k].def);
}

/* Input on port q alone must change something: a population with it and
 * one without run in lockstep until they differ.  A third, also without
 * input, tells a change the input made from one a model that is not
 * deterministic makes by itself (that is the "deterministic" check's
 * failure, not the port's). */
static void check_port(cf_report *r, const ap_plugin_desc *pd, unsigned q) {
  char check[128], why[1024];
  cf_pop a, b, c;
  memset(&b, 0, sizeof b);
  memset(&c, 0, sizeof c);
  int bad = cf_pop_open(&a, pd, N, DT, why, sizeof why) ||
            cf_pop_open(&b, pd, N, DT, why, sizeof why) ||
            cf_pop_open(&c, pd, N, DT, why, sizeof why);
  ap_fmt(check, sizeof check, "port '%s' used",
         bad ? "?" : a.d->ports[q].name);
  if (!bad && (cf_pop_prepare(&a) || cf_pop_prepare(&b) ||
               cf_pop_prepare(&c))) {
    ap_fmt(why, sizeof why, "prepare() refuses the defaults: %s",
           a.err[0] ? a.err : b.err[0] ? b.err : c.err);
    bad = 1;
  }
  int64_t s = 0;
  for (; !bad && s < STEPS; s++) {
    cf_pop_input(&a, q, s);
    if (cf_pop_step(&a, s, -1) || cf_pop_step(&b, s, -1) ||
        cf_pop_step(&c, s, -1)) {
      ap_fmt(why, sizeof why, "%s",
             a.err[0] ? a.err : b.err[0] ? b.err : c.err);
      bad = 1;
    } else if (cf_pop_bad(&a, s + 1, why, sizeof why)) {
      bad = 1;
    } else if (cf_pop_differ(&b, &c, why, sizeof why) || b.hash != c.hash) {
      cf_say(r, CF_SKIP, check,
             "not checked: two runs without input already differ in step "
             "%lld (see \"deterministic\")",
             (long long)s + 1);
      break;
    } else if (cf_pop_differ(&a, &b, why, sizeof why)) {
      cf_say(r, CF_PASS, check,
             "random input on it alone changes the state in step %lld: %s",
             (long long)s + 1, why);
      break;
    } else if (a.hash != b.hash) {
      cf_say(r, CF_PASS, check,
             "random input on it alone changes the spikes in step %lld",
             (long long)s + 1);
      break;
    }
  }
  if (bad)
    cf_say(r, CF_FAIL, check, "with random input on it alone: %s", why);
  else if (s == STEPS)
    cf_say(r, CF_FAIL, check,
           "%d steps of random input on it alone change no state variable "
           "and no spike of %d neurons",
           STEPS, N);
  cf_pop_close(&a);
  cf_pop_close(&b);
  cf_pop_close(&c);
}

void cf_check_neuron(cf_report *r, const ap_plugin_desc *pd) {
  char why[1024];
  cf_pop a, b;
  if (cf_pop_open(&a, pd, N, DT, why, sizeof why)) {
    cf_say(r, CF_FAIL, "shape at defaults", "%s", why);
    return;
  }
  const unsigned nports = a.d->n_ports, nvars = a.d->n_vars;
  if (a.has_shape) {
    char st[256];
    structure_text(st, sizeof st, pd->desc);
    unsigned nc = a.d->n_compartments ? a.d->n_compartments : 1;
    cf_say(r, CF_PASS, "shape at defaults",
           "%s: %u compartment%s, %u state variable%s, %u port%s, well formed",
           st[0] ? st : "no structure parameters", nc, cf_plural(nc), nvars,
           cf_plural(nvars), nports, cf_plural(nports));
  }
  if (cf_pop_prepare(&a)) {
    cf_say(r, CF_FAIL, "prepare at defaults", "%s", a.err);
    cf_pop_close(&a);
    return;
  }
  cf_say(r, CF_PASS, "prepare at defaults", "%d neurons at dt %g ms", N, DT);
  cf_pop_close(&a);

  int ok = !run_pop(&a, pd, IN_NONE, STEPS, why, sizeof why);
  if (!ok)
    cf_say(r, CF_FAIL, "finite, no input", "%s (%d neurons at dt %g ms)",
           why, N, DT);
  else
    cf_say(r, CF_PASS, "finite, no input",
           "%d steps of %d neurons at dt %g ms: %u state variable%s finite, "
           "%llu spike%s",
           STEPS, N, DT, nvars, cf_plural(nvars), (unsigned long long)a.spikes,
           cf_plural(a.spikes));
  int mode = IN_NONE;
  if (nports) {
    mode = IN_ALL;
    cf_pop_close(&a);
    ok = !run_pop(&a, pd, IN_ALL, STEPS, why, sizeof why);
    char on[64];
    if (nports == 1)
      ap_fmt(on, sizeof on, "its port");
    else
      ap_fmt(on, sizeof on, "each of its %u ports", nports);
    if (!ok)
      cf_say(r, CF_FAIL, "finite, random input", "%s (%d neurons at dt %g ms)",
             why, N, DT);
    else
      cf_say(r, CF_PASS, "finite, random input",
             "%d steps of %d neurons, a weight on %s in %g%% of steps "
             "(uniform up to %g pA, %g nS or %g mV by the "
             "port's type, a quarter of that on inhibitory ports, times 10, "
             "1, 0.1, 0.01 in turn for %d steps each): state finite, %llu "
             "spike%s",
             STEPS, N, on, 100 * CF_P_INPUT,
             CF_AMP_CURRENT, CF_AMP_CONDUCTANCE, CF_AMP_VOLTAGE,
             CF_SCALE_STEPS,
             (unsigned long long)a.spikes, cf_plural(a.spikes));
  }

  memset(&b, 0, sizeof b);
  if (!ok)
    cf_say(r, CF_SKIP, "deterministic", "not checked: the run above failed");
  else if (run_pop(&b, pd, mode, STEPS, why, sizeof why))
    cf_say(r, CF_FAIL, "deterministic",
           "a second run of the same input fails where the first did not: %s",
           why);
  else if (cf_pop_differ(&a, &b, why, sizeof why))
    cf_say(r, CF_FAIL, "deterministic",
           "a second run of the same %d steps ends in another state: %s",
           STEPS, why);
  else if (a.spikes != b.spikes || a.hash != b.hash)
    cf_say(r, CF_FAIL, "deterministic",
           "a second run of the same %d steps spikes otherwise (%llu vs %llu "
           "spikes)",
           STEPS, (unsigned long long)a.spikes, (unsigned long long)b.spikes);
  else
    cf_say(r, CF_PASS, "deterministic",
           "a second run of the same %d steps agrees bit for bit (%u state "
           "variable%s of %d neurons, %llu spike%s)",
           STEPS, nvars, cf_plural(nvars), N, (unsigned long long)a.spikes,
           cf_plural(a.spikes));
  cf_pop_close(&a);
  cf_pop_close(&b);

  for (unsigned q = 0; q < nports; q++) check_port(r, pd, q);
}

/* --------------------------------------------------------- synapses */

#define ROW AP_CONFORM_SYN_ROW

typedef struct syn_run {
  ap_real *param;
  ap_real **st, **init;
  ap_weight w[ROW], out[ROW];
  uint64_t hash;
  unsigned nv;
} syn_run;

static void syn_close(syn_run *s) {
  free(s->param);
  cf_arrays_free(s->st, s->nv);
  cf_arrays_free(s->init, s->nv);
  memset(s, 0, sizeof *s);
}

/* AP_CONFORM_SYN_SPIKES spikes through one row at defaults, 0.1 to 20 ms
 * apart; 0, or -1 with the reason. */
static int syn_go(syn_run *s, const ap_synapse_desc *d, char *why,
                  size_t wn) {
  memset(s, 0, sizeof *s);
  s->nv = d->n_vars;
  s->hash = CF_HASH0;
  s->param = calloc(d->n_params ? d->n_params : 1, sizeof *s->param);
  s->st = cf_arrays_new(d->n_vars, ROW);
  s->init = cf_arrays_new(d->n_vars, ROW);
  if (!s->param || !s->st || !s->init) {
    ap_fmt(why, wn, "out of memory");
    return -1;
  }
  for (unsigned k = 0; k < d->n_params; k++) s->param[k] = d->params[k].def;
  for (unsigned v = 0; v < d->n_vars; v++) {
    int k = d->vars[v].def_from
                ? ap_param_index(d->params, d->n_params, d->vars[v].def_from)
                : -1;
    for (size_t i = 0; i < ROW; i++)
      s->st[v][i] = s->init[v][i] = k >= 0 ? s->param[k] : d->vars[v].def;
  }
  int kw = ap_param_index(d->params, d->n_params, "weight");
  double w = kw >= 0 ? d->params[kw].def : 1.0;
  for (size_t i = 0; i < ROW; i++) {
    ap_rng g;
    ap_rng_init(&g, CF_SEED, CF_STREAM_WEIGHT, i, 0);
    s->w[i] = (ap_weight)(w * (0.5 + ap_rng_uniform(&g)));
  }
  double t = 0.0;
  char a[32];
  for (int k = 0; k < AP_CONFORM_SYN_SPIKES; k++) {
    ap_rng g;
    ap_rng_init(&g, CF_SEED, CF_STREAM_SPIKE, 0, (uint64_t)k);
    t += DT * (double)(1 + ap_rng_below(&g, 200));
    for (size_t i = 0; i < ROW; i++) s->out[i] = NAN; /* must be written */
    ap_syn_row row = {.size = sizeof(ap_syn_row), .first = 0, .n = ROW,
                      .t_spike = t, .weight = s->w, .state = s->st,
                      .param = s->param, .inst = NULL,
                      .host = ap_host_services(), .out = s->out};
    d->transmit(&row);
    for (size_t i = 0; i < ROW; i++)
      if (!isfinite((double)s->out[i])) {
        ap_fmt(why, wn, "the weight delivered by synapse %zu at spike %d (t "
               "= %g ms) is %s", i + 1, k + 1, t,
               cf_num(a, sizeof a, (double)s->out[i]));
        return -1;
      }
    s->hash = cf_hash(s->hash, s->out, sizeof s->out);
    for (unsigned v = 0; v < d->n_vars; v++)
      for (size_t i = 0; i < ROW; i++) {
        double x = s->st[v][i];
        if (isnan(x) || (isinf(x) && x != s->init[v][i])) {
          ap_fmt(why, wn, "state variable '%s' of synapse %zu is %s after "
                 "spike %d (t = %g ms)", d->vars[v].name, i + 1,
                 cf_num(a, sizeof a, x), k + 1, t);
          return -1;
        }
      }
  }
  return 0;
}

void cf_check_synapse(cf_report *r, const ap_plugin_desc *pd) {
  const ap_synapse_desc *d = pd->desc;
  if (!d->transmit) {
    cf_say(r, CF_PASS, "transmit",
           "none: the host delivers the stored weights unchanged (nothing "
           "to run)");
    return;
  }
  char why[1024];
  syn_run a, b;
  memset(&b, 0, sizeof b);
  if (syn_go(&a, d, why, sizeof why)) {
    cf_say(r, CF_FAIL, "transmit", "%s", why);
    cf_say(r, CF_SKIP, "deterministic", "not checked: the run above failed");
  } else {
    cf_say(r, CF_PASS, "transmit",
           "%d presynaptic spikes 0.1 to 20 ms apart through a row of %d "
           "synapses at defaults: delivered weights and %u state variable%s "
           "finite",
           AP_CONFORM_SYN_SPIKES, ROW, d->n_vars, cf_plural(d->n_vars));
    int differ = 0;
    if (syn_go(&b, d, why, sizeof why)) {
      cf_say(r, CF_FAIL, "deterministic",
             "a second run fails where the first did not: %s", why);
    } else {
      for (unsigned v = 0; v < d->n_vars && !differ; v++)
        differ = memcmp(a.st[v], b.st[v], ROW * sizeof **a.st) != 0;
      if (differ || a.hash != b.hash)
        cf_say(r, CF_FAIL, "deterministic",
               "a second run of the same spikes %s",
               a.hash != b.hash ? "delivers other weights"
                                : "ends in another state");
      else
        cf_say(r, CF_PASS, "deterministic",
               "a second run delivers the same %d weights bit for bit and "
               "ends in the same state",
               AP_CONFORM_SYN_SPIKES * ROW);
    }
  }
  syn_close(&a);
  syn_close(&b);
}

/* --------------------------------------------------------- backends */

#define BSTEPS AP_CONFORM_BACKEND_STEPS

typedef struct bk_out {
  uint64_t spikes, hash;
} bk_out;

static void bk_spikes(void *ctx, size_t pop, int64_t step, const uint32_t *idx,
                      const uint32_t *mult, size_t n) {
  bk_out *o = ctx;
  for (size_t k = 0; k < n; k++) {
    uint32_t rec[4] = {(uint32_t)pop, (uint32_t)step, idx[k],
                       mult ? mult[k] : 1};
    o->spikes += rec[3];
    o->hash = cf_hash(o->hash, rec, sizeof rec);
  }
}

static void bk_step_done(void *ctx, int64_t step) {
  (void)ctx;
  (void)step;
}

/* A synapse model with nothing to do, for the network's projection. */
static const ap_synapse_desc static_syn = {sizeof(ap_synapse_desc), NULL, 0,
                                           NULL, 0, NULL};

/* Run the backend pd on one population of N neurons of `model`, connected
 * all to all but to themselves through its first port, with random input
 * on the ports not inhibitory (so that there are spikes to carry) through
 * pending_add() where the backend has it.  0: ran (p holds the
 * final state); 1: create() refused the network (why: its message);
 * -1: failed later (why). */
static int run_backend(const ap_plugin_desc *pd, const ap_plugin_desc *model,
                       cf_pop *p, bk_out *o, int *fed, size_t *n_syn,
                       char *why, size_t wn) {
  const ap_backend_desc *bd = pd->desc;
  o->spikes = 0;
  o->hash = CF_HASH0;
  *fed = 0;
  *n_syn = 0;
  if (cf_pop_open(p, model, N, DT, why, wn)) return 1;
  const unsigned nports = p->d->n_ports;
  const size_t ns = nports ? (size_t)N * (N - 1) : 0;
  unsigned np = bd->n_params;
  ap_real *set = calloc(np ? np : 1, sizeof *set);
  const char **str = calloc(np ? np : 1, sizeof *str);
  size_t *row = calloc(N + 1, sizeof *row);
  uint32_t *target = calloc(ns ? ns : 1, sizeof *target);
  ap_weight *w = calloc(ns ? ns : 1, sizeof *w);
  int ret = -1;
  if (!set || !str || !row || !target || !w) {
    ap_fmt(why, wn, "out of memory");
    goto out;
  }
  for (unsigned k = 0; k < np; k++) {
    if (bd->params[k].type == AP_PT_STRING)
      str[k] = bd->params[k].def_str;
    else
      set[k] = bd->params[k].def;
  }
  size_t s = 0;
  for (size_t i = 0; i < N && nports; i++) {
    row[i] = s;
    const ap_port_desc *q = &p->d->ports[0];
    for (size_t j = 0; j < N; j++) {
      if (i == j) continue;
      target[s] = (uint32_t)j | (1u << AP_PACK_TARGET_BITS); /* delay dt */
      w[s++] = (ap_weight)(q->type != AP_PORT_CONDUCTANCE && q->sign < 0
                               ? -1.0 : 1.0);
    }
  }
  row[N] = s;
  *n_syn = ns;
  ap_net_pop npop = {.size = sizeof(ap_net_pop), .model = model->name,
                     .desc = p->d, .n = N, .gid0 = 0,
                     .stream = CF_STREAM_POP, .param = p->param,
                     .lists = p->lists, .state = p->state,
                     .silenced = NULL};
  ap_net_proj proj = {.size = sizeof(ap_net_proj), .pre = 0, .post = 0,
                      .port = 0, .stream = CF_STREAM_RULE, .n_syn = ns,
                      .row = row, .target = target, .weight = w,
                      .delay = NULL, .p_release = 1.0, .syn = &static_syn,
                      .syn_param = NULL, .syn_state = NULL, .rule = NULL};
  const ap_net_pop *pops[1] = {&npop};
  const ap_net_proj *projs[1] = {&proj};
  int64_t window_start = -1;
  ap_net net;
  memset(&net, 0, sizeof net);
  net.size = sizeof net;
  net.dt = DT;
  net.seed = CF_SEED;
  net.min_delay = net.max_delay = 1;
  net.n_pops = 1;
  net.pops = pops;
  net.n_projs = ns ? 1 : 0;
  net.projs = projs;
  net.host = ap_host_services();
  net.ctx = o;
  net.spikes = bk_spikes;
  net.step_done = bk_step_done;
  net.window_start = &window_start;
  void *inst = NULL;
  char msg[2048] = "";
  int rc = bd->create(&inst, &net, set, str, msg, sizeof msg);
  if (rc) {
    ap_fmt(why, wn, "%s", msg[0] ? msg : "create() failed without a reason");
    ret = 1;
    goto out;
  }
  *fed = nports && AP_HAS_FIELD(bd, ap_backend_desc, pending_add) &&
         bd->pending_add;
  if (*fed) {
    for (int64_t t = 0; t < BSTEPS && !rc; t++) {
      for (unsigned q = 0; q < nports && !rc; q++) {
        if (p->d->ports[q].sign < 0) continue; /* for spikes to carry */
        cf_pop_input(p, q, t);
        rc = bd->pending_add(inst, 0, q, t, p->input[q], msg, sizeof msg);
        memset(p->input[q], 0, N * sizeof **p->input);
        if (rc && !msg[0])
          ap_fmt(msg, sizeof msg, "pending_add() returned status %d", rc);
      }
      if (!rc) rc = bd->run(inst, t, 1, msg, sizeof msg);
    }
  } else {
    rc = bd->run(inst, 0, BSTEPS, msg, sizeof msg);
  }
  if (rc)
    ap_fmt(why, wn, "run() failed (status %d): %s", rc,
           msg[0] ? msg : "no reason given");
  else if (bd->sync && (rc = bd->sync(inst, msg, sizeof msg)))
    ap_fmt(why, wn, "sync() failed (status %d): %s", rc,
           msg[0] ? msg : "no reason given");
  else if (!cf_pop_bad(p, BSTEPS, why, wn))
    ret = 0;
  bd->destroy(inst);
out:
  free(set);
  free(str);
  free(row);
  free(target);
  free(w);
  return ret;
}

void cf_check_backend(cf_report *r, const ap_plugin_desc *pd,
                      const cf_models *m) {
  char why[2048], first[2048] = "";
  const char *first_model = NULL;
  for (size_t i = 0; i < m->n; i++) {
    const ap_plugin_desc *model = m->d[i];
    cf_pop a, b;
    bk_out oa, ob;
    int fed = 0;
    size_t ns = 0;
    int rc = run_backend(pd, model, &a, &oa, &fed, &ns, why, sizeof why);
    if (rc == 1) {
      if (!first_model) {
        first_model = model->name;
        ap_fmt(first, sizeof first, "%s", why);
      }
      cf_pop_close(&a);
      continue;
    }
    if (rc < 0) {
      cf_say(r, CF_FAIL, "run", "%d steps of %d '%s' neurons: %s", BSTEPS, N,
             model->name, why);
      cf_say(r, CF_SKIP, "deterministic", "not checked: the run above failed");
      cf_pop_close(&a);
      return;
    }
    cf_say(r, CF_PASS, "run",
           "create(), %d steps of %d '%s' neurons with %zu recurrent "
           "synapses%s, destroy(): state finite, %llu spike%s",
           BSTEPS, N, model->name, ns,
           fed ? " and random input on the ports not inhibitory through "
                 "pending_add()"
               : a.d->n_ports ? " (no input: the backend has no pending_add())"
                              : "",
           (unsigned long long)oa.spikes, cf_plural(oa.spikes));
    rc = run_backend(pd, model, &b, &ob, &fed, &ns, why, sizeof why);
    if (rc)
      cf_say(r, CF_FAIL, "deterministic",
             "a second run fails where the first did not: %s", why);
    else if (cf_pop_differ(&a, &b, why, sizeof why))
      cf_say(r, CF_FAIL, "deterministic",
             "a second run ends in another state: %s", why);
    else if (oa.spikes != ob.spikes || oa.hash != ob.hash)
      cf_say(r, CF_FAIL, "deterministic",
             "a second run spikes otherwise (%llu vs %llu spikes)",
             (unsigned long long)oa.spikes, (unsigned long long)ob.spikes);
    else
      cf_say(r, CF_PASS, "deterministic",
             "a second run agrees bit for bit (state and %llu spike%s)",
             (unsigned long long)oa.spikes, cf_plural(oa.spikes));
    cf_pop_close(&a);
    cf_pop_close(&b);
    return;
  }
  if (!m->n)
    cf_say(r, CF_SKIP, "run",
           "no neuron model at hand to build a network of (see apical "
           "plugins)");
  else
    cf_say(r, CF_SKIP, "run",
           "create() refuses a small network of each of the %zu neuron "
           "model%s at hand; %s: %s",
           m->n, cf_plural(m->n), first_model, first);
}
