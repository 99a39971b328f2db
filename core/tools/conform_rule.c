/* conform_rule.c -- the runs of `apical check-plugin` for learning rules.
 *
 * A rule runs on an 8 x 8 all-to-all projection at its defaults, its
 * hooks called in the order every backend keeps (apical_plugin.h): per
 * step on_spikes, on_step, on_pre for each spiking presynaptic neuron,
 * on_post for each spiking postsynaptic one; flush at the end.  The
 * presynaptic side is a fixed random spike pattern.  The postsynaptic
 * side is another such pattern when the rule's prepare() accepts that;
 * a rule that reads its neurons (ABI 1.2 views: dPI, the sums of a
 * window...) refuses it, and is then offered populations of the neuron
 * models at hand, by name, each at its defaults and driven by random
 * input, until one is accepted.  A refusal that reads the same whatever
 * is offered is a refusal of the rule's defaults (a FAIL); one that
 * changes with the population says the rule needs something the checker
 * could not give (a SKIP that quotes it).
 *
 * A rule with on_phase runs in phases of 500 steps with an integration
 * window over their last 200.  The phase names are not declared
 * anywhere; the checker takes those its long doc shows in
 * ap.phase("NAME", ...) examples, in order, else "phase_a" and
 * "phase_b". */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tools/conform.h"
#include "tools/conform_int.h"
#include "tools/conform_pop.h"
#include "plugin/host.h"
#include "plugin/loader.h"
#include "base/rng.h"
#include "base/strutil.h"

#define NPRE AP_CONFORM_RULE_PRE
#define NPOST AP_CONFORM_RULE_POST
#define NSYN (NPRE * NPOST)
#define DT AP_CONFORM_DT
#define STEPS AP_CONFORM_STEPS
#define P_SPIKE 0.01        /* per neuron and step: 100 Hz at dt 0.1 ms */
#define PHASE_STEPS 500
#define WINDOW_FROM 300     /* steps into a phase */
#define MAX_PHASES 4
#define PATTERN "spike_pattern" /* the model name of a bare pattern */

/* Hooks appended after ABI 1.0, NULL where the descriptor is older. */
#define HOOK(d, f) (AP_HAS_FIELD(d, ap_rule_desc, f) ? (d)->f : NULL)

static unsigned n_mods(const ap_rule_desc *d) {
  return AP_HAS_FIELD(d, ap_rule_desc, n_modulators) ? d->n_modulators : 0;
}


typedef struct phases {
  char name[MAX_PHASES][64];
  unsigned n;
} phases;

/* The names of ap.phase("NAME", ...) in the long doc, in order. */
static void phase_names(const char *doc, phases *ph) {
  static const char key[] = "ap.phase(\"";
  ph->n = 0;
  for (const char *p = doc ? strstr(doc, key) : NULL; p && ph->n < MAX_PHASES;
       p = strstr(p + 1, key)) {
    const char *s = p + sizeof key - 1;
    size_t len = strcspn(s, "\"\n");
    if (!len || len >= sizeof ph->name[0] || s[len] != '"') continue;
    int dup = 0;
    for (unsigned k = 0; k < ph->n; k++)
      dup |= strlen(ph->name[k]) == len && !strncmp(ph->name[k], s, len);
    if (dup) continue;
    memcpy(ph->name[ph->n], s, len);
    ph->name[ph->n++][len] = '\0';
  }
  if (!ph->n) {
    ap_fmt(ph->name[0], sizeof ph->name[0], "phase_a");
    ap_fmt(ph->name[1], sizeof ph->name[1], "phase_b");
    ph->n = 2;
  }
}

typedef struct cf_rule {
  const ap_plugin_desc *pd;
  const ap_rule_desc *d;
  const ap_plugin_desc *model;  /* of the post population, NULL: a pattern */
  cf_pop post;
  ap_pop_view pre_view, post_view;
  ap_real *param;
  ap_real **syn, **syn0, **pv, **pv0;
  ap_weight w[NSYN], w0[NSYN];
  uint32_t target[NSYN];
  size_t row[NPRE + 1];
  size_t list[NPRE];
  uint32_t pre_spk[NPRE], post_spk[NPOST];
  double pre_credit[NPRE], post_credit[NPOST];
  ap_credit pre_sums;           /* the host's view of pre_credit */
  double mods[AP_RULE_MAX_MODULATORS];
  ap_phase_event ev;
  ap_rule_ctx c;
  int prepared;
  uint64_t pre_spikes, post_spikes;
  char err[1024];
} cf_rule;

static void rule_close(cf_rule *q) {
  if (!q) return;
  void (*release)(void *) = HOOK(q->d, release);
  if (q->prepared && release) release(q->c.inst);
  free(q->param);
  cf_arrays_free(q->syn, q->d->n_syn_vars);
  cf_arrays_free(q->syn0, q->d->n_syn_vars);
  cf_arrays_free(q->pv, q->d->n_post_vars);
  cf_arrays_free(q->pv0, q->d->n_post_vars);
  cf_pop_close(&q->post);
  free(q);
}

/* Initial values of a table of the rule's variables. */
static void init_vars(const ap_rule_desc *d, const ap_var_desc *vs,
                      unsigned nv, size_t n, ap_real **a, ap_real **a0) {
  for (unsigned v = 0; v < nv; v++) {
    int k = vs[v].def_from
                ? ap_param_index(d->params, d->n_params, vs[v].def_from)
                : -1;
    for (size_t i = 0; i < n; i++)
      a[v][i] = a0[v][i] = k >= 0 ? d->params[k].def : vs[v].def;
  }
}

/* The projection at defaults, its post population of `model` (NULL: a
 * pattern) prepared, the rule not yet.  NULL with the reason in why. */
static cf_rule *rule_open(const ap_plugin_desc *pd,
                          const ap_plugin_desc *model, char *why,
                          size_t wn) {
  cf_rule *q = calloc(1, sizeof *q);
  if (!q) {
    ap_fmt(why, wn, "out of memory");
    return NULL;
  }
  const ap_rule_desc *d = pd->desc;
  q->pd = pd;
  q->d = d;
  q->model = model;
  q->param = calloc(d->n_params ? d->n_params : 1, sizeof *q->param);
  q->syn = cf_arrays_new(d->n_syn_vars, NSYN);
  q->syn0 = cf_arrays_new(d->n_syn_vars, NSYN);
  q->pv = cf_arrays_new(d->n_post_vars, NPOST);
  q->pv0 = cf_arrays_new(d->n_post_vars, NPOST);
  if (!q->param || !q->syn || !q->syn0 || !q->pv || !q->pv0) {
    ap_fmt(why, wn, "out of memory");
    rule_close(q);
    return NULL;
  }
  for (unsigned k = 0; k < d->n_params; k++) q->param[k] = d->params[k].def;
  init_vars(d, d->syn_vars, d->n_syn_vars, NSYN, q->syn, q->syn0);
  init_vars(d, d->post_vars, d->n_post_vars, NPOST, q->pv, q->pv0);
  for (size_t s = 0; s < NSYN; s++) {
    ap_rng g;
    ap_rng_init(&g, CF_SEED, CF_STREAM_WEIGHT, s, 0);
    q->w[s] = q->w0[s] = (ap_weight)(0.5 + ap_rng_uniform(&g));
    q->target[s] = (uint32_t)(s % NPOST) | (1u << AP_PACK_TARGET_BITS);
  }
  for (size_t j = 0; j <= NPRE; j++) q->row[j] = j * NPOST;
  q->pre_view = (ap_pop_view){.size = sizeof(ap_pop_view), .n = NPRE,
                              .model = PATTERN};
  q->post_view = (ap_pop_view){.size = sizeof(ap_pop_view), .n = NPOST,
                               .model = PATTERN};
  if (model) {
    if (cf_pop_open(&q->post, model, NPOST, DT, why, wn)) {
      rule_close(q);
      return NULL;
    }
    if (cf_pop_prepare(&q->post)) {
      ap_fmt(why, wn, "%s refuses its defaults: %s", model->name,
             q->post.err);
      rule_close(q);
      return NULL;
    }
    const ap_neuron_desc *nd = q->post.d;
    q->post_view = (ap_pop_view){.size = sizeof(ap_pop_view),
                                 .n = NPOST,
                                 .model = model->name,
                                 .params = nd->params,
                                 .n_params = nd->n_params,
                                 .vars = nd->vars,
                                 .n_vars = nd->n_vars,
                                 .param = q->post.param,
                                 .state = q->post.state};
  }
  ap_rule_ctx *c = &q->c;
  c->size = sizeof *c;
  c->param = q->param;
  c->syn_state = q->syn;
  c->post_state = q->pv;
  c->weight = q->w;
  c->target = q->target;
  c->dt = DT;
  c->modulators = q->mods;
  c->host = ap_host_services();
  c->n_syn = NSYN;
  c->n_post = NPOST;
  c->target_mask = AP_PACK_TARGET_MASK;
  c->n_modulators = n_mods(d);
  c->pre = &q->pre_view;
  c->post = &q->post_view;
  q->pre_sums = (ap_credit){.sum = q->pre_credit, .n = NPRE};
  c->pre_credit = &q->pre_sums;
  c->post_credit = q->post_credit;
  c->window_step = -1;
  c->row = q->row;
  c->n_pre = NPRE;
  c->seed = CF_SEED;
  c->stream = CF_STREAM_RULE;
  return q;
}

static int rule_prepare(cf_rule *q) {
  int (*prep)(void **, const ap_rule_ctx *, char *, size_t) =
      HOOK(q->d, prepare);
  q->err[0] = '\0';
  q->c.t = 0.0;
  q->c.inst = NULL;
  if (prep) {
    void *inst = NULL;
    int rc = prep(&inst, &q->c, q->err, sizeof q->err);
    if (rc) {
      if (!q->err[0])
        ap_fmt(q->err, sizeof q->err,
               "prepare() returned status %d without a reason", rc);
      return rc;
    }
    q->c.inst = inst;
  }
  q->prepared = 1;
  return AP_OK;
}

/* A variable is NaN, or infinite and not where it started. */
static int bad_value(double x, double x0) {
  return isnan(x) || (isinf(x) && x != x0);
}

/* Whether the rule's or the post population's state has gone bad after
 * `steps` steps ("when": the same in words). */
static int rule_bad(const cf_rule *q, int64_t steps, const char *when,
                    char *why, size_t wn) {
  const ap_rule_desc *d = q->d;
  char a[32];
  for (size_t s = 0; s < NSYN; s++)
    if (!isfinite((double)q->w[s])) {
      ap_fmt(why, wn, "the weight of synapse %zu (pre %zu, post %zu) is %s "
             "%s", s + 1, s / NPOST + 1, s % NPOST + 1,
             cf_num(a, sizeof a, (double)q->w[s]), when);
      return 1;
    }
  for (unsigned v = 0; v < d->n_syn_vars; v++)
    for (size_t s = 0; s < NSYN; s++)
      if (bad_value(q->syn[v][s], q->syn0[v][s])) {
        ap_fmt(why, wn, "synapse variable '%s' of synapse %zu is %s %s",
               d->syn_vars[v].name, s + 1, cf_num(a, sizeof a, q->syn[v][s]),
               when);
        return 1;
      }
  for (unsigned v = 0; v < d->n_post_vars; v++)
    for (size_t i = 0; i < NPOST; i++)
      if (bad_value(q->pv[v][i], q->pv0[v][i])) {
        ap_fmt(why, wn, "postsynaptic variable '%s' of neuron %zu is %s %s",
               d->post_vars[v].name, i + 1, cf_num(a, sizeof a, q->pv[v][i]),
               when);
        return 1;
      }
  for (size_t i = 0; i < NPRE; i++)
    if (!isfinite(q->pre_credit[i])) {
      ap_fmt(why, wn, "the credit of presynaptic neuron %zu is %s %s", i + 1,
             cf_num(a, sizeof a, q->pre_credit[i]), when);
      return 1;
    }
  for (size_t i = 0; i < NPOST; i++)
    if (!isfinite(q->post_credit[i])) {
      ap_fmt(why, wn, "the credit of postsynaptic neuron %zu is %s %s", i + 1,
             cf_num(a, sizeof a, q->post_credit[i]), when);
      return 1;
    }
  if (q->model) {
    char w[768];
    if (cf_pop_bad(&q->post, steps, w, sizeof w)) {
      ap_fmt(why, wn, "the post population (%s): %s", q->model->name, w);
      return 1;
    }
  }
  return 0;
}

/* A phase begins or ends: the event as the host makes it. */
static void phase_event(cf_rule *q, const phases *ph, int64_t s, int begin) {
  void (*on_phase)(ap_rule_ctx *, const ap_phase_event *) =
      HOOK(q->d, on_phase);
  if (begin) {
    unsigned i = (unsigned)((s / PHASE_STEPS) % ph->n);
    q->ev = (ap_phase_event){.size = sizeof(ap_phase_event),
                             .kind = AP_PHASE_BEGIN,
                             .name = ph->name[i],
                             .index = i + 1,
                             .first_step = s,
                             .steps = PHASE_STEPS,
                             .window_first = s + WINDOW_FROM,
                             .window_steps = PHASE_STEPS - WINDOW_FROM};
    memset(q->pre_credit, 0, sizeof q->pre_credit);
    memset(q->post_credit, 0, sizeof q->post_credit);
    q->c.phase = &q->ev;
  } else {
    q->ev.kind = AP_PHASE_END;
  }
  q->c.step = q->ev.first_step + q->ev.steps - 1;
  q->c.t = (double)(begin ? q->ev.first_step
                          : q->ev.first_step + q->ev.steps) * DT;
  q->c.window_step = -1;
  on_phase(&q->c, &q->ev);
  if (!begin) q->c.phase = NULL;
}

/* STEPS steps of the hooks, then flush.  0, or -1 with why. */
static int rule_run(cf_rule *q, const phases *ph, char *why, size_t wn) {
  const ap_rule_desc *d = q->d;
  void (*on_spikes)(ap_rule_ctx *, const uint32_t *, const uint32_t *,
                    size_t) = HOOK(d, on_spikes);
  void (*flush)(ap_rule_ctx *) = HOOK(d, flush);
  const int phased = HOOK(d, on_phase) != NULL;
  const unsigned nm = n_mods(d);
  char when[64];
  for (int64_t s = 0; s < STEPS; s++) {
    int64_t ws = -1;
    ap_fmt(when, sizeof when, "after %lld step%s", (long long)s + 1,
           s ? "s" : "");
    if (phased) {
      const int64_t at = s % PHASE_STEPS;
      if (at == 0) {
        phase_event(q, ph, s, 1);
        if (q->model && cf_pop_prepare(&q->post)) {
          ap_fmt(why, wn, "the post population (%s) refuses what on_phase "
                 "left: %s", q->model->name, q->post.err);
          return -1;
        }
      }
      ws = at >= WINDOW_FROM ? at - WINDOW_FROM : -1;
    }
    size_t npost = 0, npre = 0;
    if (q->model) {
      for (unsigned p = 0; p < q->post.d->n_ports; p++)
        cf_pop_input(&q->post, p, s);
      if (cf_pop_step(&q->post, s, ws)) {
        ap_fmt(why, wn, "the post population (%s): %s", q->model->name,
               q->post.err);
        return -1;
      }
      npost = q->post.n_spk;
      memcpy(q->post_spk, q->post.spk, npost * sizeof *q->post_spk);
    } else {
      for (uint32_t i = 0; i < NPOST; i++) {
        ap_rng g;
        ap_rng_init(&g, CF_SEED, CF_STREAM_POST, i, (uint64_t)s);
        if (ap_rng_uniform(&g) < P_SPIKE) q->post_spk[npost++] = i;
      }
    }
    for (uint32_t j = 0; j < NPRE; j++) {
      ap_rng g;
      ap_rng_init(&g, CF_SEED, CF_STREAM_PRE, j, (uint64_t)s);
      if (ap_rng_uniform(&g) < P_SPIKE) q->pre_spk[npre++] = j;
    }
    q->pre_spikes += npre;
    q->post_spikes += npost;
    q->c.step = s;
    q->c.t = (double)(s + 1) * DT;
    q->c.window_step = ws;
    if (on_spikes && npre) on_spikes(&q->c, q->pre_spk, NULL, npre);
    if (d->on_step) {
      for (unsigned k = 0; k < nm; k++)
        q->mods[k] = s % 500 < 20 ? 1.0 : 0.15;
      d->on_step(&q->c);
    }
    if (d->on_pre)
      for (size_t k = 0; k < npre; k++)
        d->on_pre(&q->c, q->row[q->pre_spk[k]], NPOST);
    if (d->on_post)
      for (size_t k = 0; k < npost; k++) {
        const uint32_t i = q->post_spk[k];
        for (size_t j = 0; j < NPRE; j++) q->list[j] = j * NPOST + i;
        d->on_post(&q->c, i, q->list, NPRE);
      }
    if (phased && s % PHASE_STEPS == PHASE_STEPS - 1) {
      phase_event(q, ph, s, 0);
      if (q->model && cf_pop_prepare(&q->post)) {
        ap_fmt(why, wn, "the post population (%s) refuses what on_phase "
               "left: %s", q->model->name, q->post.err);
        return -1;
      }
    }
    if (rule_bad(q, s + 1, when, why, wn)) return -1;
  }
  if (flush) {
    q->c.t = (double)STEPS * DT;
    flush(&q->c);
    if (rule_bad(q, STEPS, "after flush()", why, wn)) return -1;
  }
  return 0;
}

/* The first difference between two runs, or 0. */
static int rule_differ(const cf_rule *a, const cf_rule *b, char *why,
                       size_t wn) {
  const ap_rule_desc *d = a->d;
  char x[32], y[32];
  for (size_t s = 0; s < NSYN; s++)
    if (memcmp(&a->w[s], &b->w[s], sizeof a->w[s])) {
      ap_fmt(why, wn, "the weight of synapse %zu: %s vs %s", s + 1,
             cf_num(x, sizeof x, (double)a->w[s]),
             cf_num(y, sizeof y, (double)b->w[s]));
      return 1;
    }
  for (unsigned v = 0; v < d->n_syn_vars; v++)
    for (size_t s = 0; s < NSYN; s++)
      if (memcmp(&a->syn[v][s], &b->syn[v][s], sizeof(ap_real))) {
        ap_fmt(why, wn, "synapse variable '%s' of synapse %zu: %s vs %s",
               d->syn_vars[v].name, s + 1, cf_num(x, sizeof x, a->syn[v][s]),
               cf_num(y, sizeof y, b->syn[v][s]));
        return 1;
      }
  for (unsigned v = 0; v < d->n_post_vars; v++)
    for (size_t i = 0; i < NPOST; i++)
      if (memcmp(&a->pv[v][i], &b->pv[v][i], sizeof(ap_real))) {
        ap_fmt(why, wn, "postsynaptic variable '%s' of neuron %zu: %s vs %s",
               d->post_vars[v].name, i + 1, cf_num(x, sizeof x, a->pv[v][i]),
               cf_num(y, sizeof y, b->pv[v][i]));
        return 1;
      }
  if (memcmp(a->pre_credit, b->pre_credit, sizeof a->pre_credit) ||
      memcmp(a->post_credit, b->post_credit, sizeof a->post_credit)) {
    ap_fmt(why, wn, "the credit signals differ");
    return 1;
  }
  if (a->model) {
    char w[768];
    if (cf_pop_differ(&a->post, &b->post, w, sizeof w) ||
        a->post.hash != b->post.hash) {
      ap_fmt(why, wn, "the post population (%s): %s", a->model->name,
             a->post.hash != b->post.hash ? "its spikes differ" : w);
      return 1;
    }
  }
  return 0;
}

/* Open, prepare and run; 0 or -1 with why.  *out is the run (close it). */
static int rule_go(const ap_plugin_desc *pd, const ap_plugin_desc *model,
                   const phases *ph, cf_rule **out, char *why, size_t wn) {
  cf_rule *q = rule_open(pd, model, why, wn);
  *out = q;
  if (!q) return -1;
  if (rule_prepare(q)) {
    ap_fmt(why, wn, "prepare() refuses the defaults: %s", q->err);
    return -1;
  }
  return rule_run(q, ph, why, wn);
}

void cf_check_rule(cf_report *r, const ap_plugin_desc *pd,
                   const cf_models *m) {
  const ap_rule_desc *d = pd->desc;
  phases ph;
  phase_names(pd->doc_long, &ph);
  char why[2048], first[1024] = "";

  /* The post population: a pattern, or the first model the rule takes. */
  const ap_plugin_desc *use = NULL;
  int found = 0, differ = 0;
  size_t tried = 0;
  cf_rule *q = rule_open(pd, NULL, why, sizeof why);
  if (!q) {
    cf_say(r, CF_FAIL, "prepare at defaults", "%s", why);
    return;
  }
  if (!rule_prepare(q))
    found = 1;
  else
    ap_fmt(first, sizeof first, "%s", q->err);
  rule_close(q);
  for (size_t i = 0; !found && i < m->n; i++) {
    if (!(q = rule_open(pd, m->d[i], why, sizeof why))) continue;
    tried++;
    if (!rule_prepare(q)) {
      found = 1;
      use = m->d[i];
    } else if (strcmp(q->err, first)) {
      differ = 1;
    }
    rule_close(q);
  }
  if (!found) {
    if (tried && !differ)
      cf_say(r, CF_FAIL, "prepare at defaults",
             "refuses its defaults whatever the post population (a spike "
             "pattern and %zu neuron model%s): %s",
             tried, cf_plural(tried), first);
    else if (!tried)
      cf_say(r, CF_SKIP, "prepare at defaults",
             "refuses a bare spike pattern as its post population, and no "
             "neuron model is at hand to offer instead: %s",
             first);
    else
      cf_say(r, CF_SKIP, "prepare at defaults",
             "needs a post population the checker cannot give (it refuses a "
             "spike pattern and each of the %zu neuron model%s at hand): %s",
             tried, cf_plural(tried), first);
    return;
  }
  char post[1536];
  if (use)
    ap_fmt(post, sizeof post,
           "%d %s neurons at their defaults with random input (it refuses a "
           "bare spike pattern: %s)",
           NPOST, use->name, first);
  else
    ap_fmt(post, sizeof post, "a random spike pattern");
  cf_say(r, CF_PASS, "prepare at defaults",
         "%d x %d all-to-all projection (%d synapses, weights 0.5 to 1.5), "
         "dt %g ms, post population: %s",
         NPRE, NPOST, NSYN, DT, post);

  cf_rule *a = NULL, *b = NULL;
  if (rule_go(pd, use, &ph, &a, why, sizeof why)) {
    cf_say(r, CF_FAIL, "finite", "%s", why);
    cf_say(r, CF_SKIP, "deterministic", "not checked: the run above failed");
    rule_close(a);
    return;
  }
  size_t changed = 0;
  double lo = INFINITY, hi = -INFINITY;
  for (size_t s = 0; s < NSYN; s++) {
    changed += a->w[s] != a->w0[s];
    if (a->w[s] < lo) lo = a->w[s];
    if (a->w[s] > hi) hi = a->w[s];
  }
  char extra[512] = "";
  unsigned nm = n_mods(d);
  if (nm)
    ap_append(extra, sizeof extra,
              ", %u modulator%s at 0.15 with pulses to 1 (20 steps in 500)",
              nm, cf_plural(nm));
  if (HOOK(d, on_phase)) {
    ap_append(extra, sizeof extra, ", phases");
    for (unsigned k = 0; k < ph.n; k++)
      ap_append(extra, sizeof extra, "%s '%s'",
                k == 0 ? "" : k + 1 == ph.n ? " and" : ",", ph.name[k]);
    ap_append(extra, sizeof extra,
              " in turn, %d steps each with a window over the last %d",
              PHASE_STEPS, PHASE_STEPS - WINDOW_FROM);
  }
  unsigned nsv = d->n_syn_vars, npv = d->n_post_vars;
  cf_say(r, CF_PASS, "finite",
         "%d steps, %llu presynaptic and %llu postsynaptic spike%s%s%s: %d "
         "weights (%zu changed, now %g to %g), %u synapse and %u "
         "postsynaptic variable%s finite",
         STEPS, (unsigned long long)a->pre_spikes,
         (unsigned long long)a->post_spikes, cf_plural(a->post_spikes),
         extra, HOOK(d, flush) ? ", then flush()" : "", NSYN, changed, lo, hi,
         nsv, npv, cf_plural(npv));
  if (rule_go(pd, use, &ph, &b, why, sizeof why))
    cf_say(r, CF_FAIL, "deterministic",
           "a second run fails where the first did not: %s", why);
  else if (rule_differ(a, b, why, sizeof why))
    cf_say(r, CF_FAIL, "deterministic",
           "a second run of the same spikes ends otherwise: %s", why);
  else
    cf_say(r, CF_PASS, "deterministic",
           "a second run of the same spikes agrees bit for bit (%d weights, "
           "%u synapse and %u postsynaptic variable%s%s)",
           NSYN, nsv, npv, cf_plural(npv),
           use ? ", the post population's state" : "");
  rule_close(a);
  rule_close(b);
}
