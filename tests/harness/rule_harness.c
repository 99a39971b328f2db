/* rule_harness.c -- the functions of rule_harness.h. */
#include "rule_harness.h"

void *rh_calloc_(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size ? size : 1);
  RH_CHECK(p != NULL, "harness: out of memory");
  return p;
}

const ap_plugin_desc *rh_find_plugin_(const char *name) {
  const ap_plugin_table *t = ap_plugin_entry();
  ck_assert_ptr_nonnull(t);
  for (size_t k = 0; k < t->n; k++)
    if (strcmp(t->plugins[k].name, name) == 0) return &t->plugins[k];
  ck_abort_msg("harness: no plugin named %s", name);
  return NULL;
}

rh *rh_open(const char *name, size_t n_syn, size_t n_post,
            double dt) {
  const ap_plugin_desc *pd = rh_find_plugin_(name);
  ck_assert_int_eq(pd->kind, AP_KIND_RULE);
  const ap_rule_desc *d = pd->desc;
  ck_assert_uint_eq(d->size, sizeof(ap_rule_desc));
  rh *h = rh_calloc_(1, sizeof *h);
  h->plugin = pd;
  h->d = d;
  h->n_syn = n_syn;
  h->n_post = n_post;
  h->dt = dt;
  h->param = rh_calloc_(d->n_params, sizeof *h->param);
  for (unsigned k = 0; k < d->n_params; k++) h->param[k] = d->params[k].def;
  h->syn = rh_calloc_(d->n_syn_vars, sizeof *h->syn);
  for (unsigned v = 0; v < d->n_syn_vars; v++) {
    h->syn[v] = rh_calloc_(n_syn, sizeof(ap_real));
    for (size_t s = 0; s < n_syn; s++) h->syn[v][s] = d->syn_vars[v].def;
  }
  h->post = rh_calloc_(d->n_post_vars, sizeof *h->post);
  for (unsigned v = 0; v < d->n_post_vars; v++) {
    h->post[v] = rh_calloc_(n_post, sizeof(ap_real));
    for (size_t i = 0; i < n_post; i++) h->post[v][i] = d->post_vars[v].def;
  }
  h->w = rh_calloc_(n_syn, sizeof *h->w);
  h->target = rh_calloc_(n_syn, sizeof *h->target);
  h->list = rh_calloc_(n_syn, sizeof *h->list);
  for (size_t s = 0; s < n_syn; s++)
    h->target[s] = (uint32_t)(s % n_post) | (5u << AP_PACK_TARGET_BITS);
  h->c = (ap_rule_ctx){
      .size = sizeof(ap_rule_ctx),
      .param = h->param,
      .syn_state = h->syn,
      .post_state = h->post,
      .weight = h->w,
      .target = h->target,
      .t = 0.0,
      .dt = dt,
      .modulators = h->mod,
      .inst = NULL,
      .host = ap_host_services(),
      .n_syn = n_syn,
      .n_post = n_post,
      .target_mask = AP_PACK_TARGET_MASK,
      .n_modulators = d->n_modulators,
      .step = 0,
  };
  return h;
}

void rh_target(rh *h, size_t s, uint32_t post) {
  RH_CHECK(s < h->n_syn && post < h->n_post, "harness: bad target");
  h->target[s] = post | (5u << AP_PACK_TARGET_BITS);
}

int rh_param_index_(const rh *h, const char *name) {
  for (unsigned k = 0; k < h->d->n_params; k++)
    if (strcmp(h->d->params[k].name, name) == 0) return (int)k;
  ck_abort_msg("harness: no parameter %s", name);
  return -1;
}

void rh_set(rh *h, const char *name, double value) {
  h->param[rh_param_index_(h, name)] = value;
}

ap_real *rh_sv(rh *h, const char *name) {
  for (unsigned v = 0; v < h->d->n_syn_vars; v++)
    if (strcmp(h->d->syn_vars[v].name, name) == 0) return h->syn[v];
  ck_abort_msg("harness: no synapse variable %s", name);
  return NULL;
}

ap_real *rh_pv(rh *h, const char *name) {
  for (unsigned v = 0; v < h->d->n_post_vars; v++)
    if (strcmp(h->d->post_vars[v].name, name) == 0) return h->post[v];
  ck_abort_msg("harness: no postsynaptic variable %s", name);
  return NULL;
}

int rh_prepare(rh *h, double t) {
  RH_CHECK(!h->prepared, "harness: prepare twice");
  h->err[0] = '\0';
  h->c.t = t;
  h->c.inst = NULL;
  int rc = AP_OK;
  if (h->d->prepare) {
    void *inst = NULL;
    rc = h->d->prepare(&inst, &h->c, h->err, sizeof h->err);
    if (rc == AP_OK) h->c.inst = inst;
  }
  if (rc == AP_OK)
    h->prepared = 1;
  else
    ck_assert_msg(h->err[0] != '\0', "prepare failed without a reason");
  return rc;
}

void rh_prepare_ok(rh *h, double t) {
  int rc = rh_prepare(h, t);
  ck_assert_msg(rc == AP_OK, "prepare failed: %s", h->err);
}

double rh_time(const rh *h, int64_t step) {
  return (double)(step + 1) * h->dt;
}

void rh_pre(rh *h, int64_t step, size_t first, size_t n) {
  RH_CHECK(h->prepared, "harness: hook before prepare");
  RH_CHECK(first + n <= h->n_syn, "harness: synapses out of range");
  h->c.step = step;
  h->c.t = rh_time(h, step);
  h->d->on_pre(&h->c, first, n);
}

void rh_post(rh *h, int64_t step, uint32_t post) {
  RH_CHECK(h->prepared, "harness: hook before prepare");
  size_t n = 0;
  for (size_t s = 0; s < h->n_syn; s++)
    if ((h->target[s] & AP_PACK_TARGET_MASK) == post) h->list[n++] = s;
  h->c.step = step;
  h->c.t = rh_time(h, step);
  h->d->on_post(&h->c, post, h->list, n);
}

void rh_step(rh *h, int64_t step, double level) {
  RH_CHECK(h->prepared, "harness: hook before prepare");
  h->mod[0] = level;
  h->c.step = step;
  h->c.t = rh_time(h, step);
  if (h->d->on_step) h->d->on_step(&h->c);
}

void rh_flush(rh *h, int64_t step) {
  RH_CHECK(h->prepared, "harness: flush before prepare");
  h->c.t = rh_time(h, step);
  if (h->d->flush) h->d->flush(&h->c);
}

void *rh_thread_main_(void *arg) {
  rh_thread_ *th = arg;
  rh *h = th->h;
  const size_t n_pre = h->n_syn / h->n_post;
  for (int64_t step = 0; step < th->pat->steps; step++) {
    if (th->k == 0) rh_step(h, step, th->pat->level(step));
    pthread_barrier_wait(&th->bar[0]);
    th->c.step = step;
    th->c.t = rh_time(h, step);
    for (size_t i = 0; i < n_pre; i++) {
      if (!th->pat->pre(step, i)) continue;
      size_t a = 0, b = h->n_post;
      if (i % 2 == 0) { /* even rows in nt segments, */
        a = h->n_post * th->k / th->nt;
        b = h->n_post * (th->k + 1) / th->nt;
      } else if ((i / 2) % th->nt != th->k) { /* odd rows whole, */
        continue; /* so that threads share targets */
      }
      if (b > a) h->d->on_pre(&th->c, i * h->n_post + a, b - a);
    }
    pthread_barrier_wait(&th->bar[1]);
    for (uint32_t j = th->k; j < h->n_post; j += th->nt) {
      if (!th->pat->post(step, j)) continue;
      size_t n = 0;
      for (size_t s = 0; s < h->n_syn; s++)
        if ((h->target[s] & AP_PACK_TARGET_MASK) == j) th->list[n++] = s;
      h->d->on_post(&th->c, j, th->list, n);
    }
    pthread_barrier_wait(&th->bar[2]);
  }
  return NULL;
}

void rh_thread_run(rh *h, const rh_pattern *pat, unsigned nt) {
  RH_CHECK(h->prepared, "harness: hooks before prepare");
  RH_CHECK(nt >= 1 && nt <= 16, "harness: 1 to 16 threads");
  RH_CHECK(h->n_syn % h->n_post == 0, "harness: rows of n_post synapses");
  /* One barrier per phase, not one for all: ThreadSanitizer orders a
   * thread after everything released on a barrier object before it
   * acquires, so a fast thread's next phase, released on the same object,
   * would hide its races from a slow one. */
  pthread_barrier_t bar[3];
  for (int k = 0; k < 3; k++) pthread_barrier_init(&bar[k], NULL, nt);
  rh_thread_ th[16];
  pthread_t id[16];
  for (unsigned k = 0; k < nt; k++)
    th[k] = (rh_thread_){.h = h,
                         .pat = pat,
                         .bar = bar,
                         .k = k,
                         .nt = nt,
                         .c = h->c,
                         .list = rh_calloc_(h->n_syn, sizeof(size_t))};
  for (unsigned k = 1; k < nt; k++)
    RH_CHECK(pthread_create(&id[k], NULL, rh_thread_main_, &th[k]) == 0,
             "harness: pthread_create failed");
  rh_thread_main_(&th[0]);
  for (unsigned k = 1; k < nt; k++) pthread_join(id[k], NULL);
  for (unsigned k = 0; k < nt; k++) free(th[k].list);
  for (int k = 0; k < 3; k++) pthread_barrier_destroy(&bar[k]);
}

uint32_t rh_hash_(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return (uint32_t)x;
}

int rh_pat_pre_(int64_t step, size_t i) {
  return rh_hash_((uint64_t)step * 1000003u + i) % 30 == 0;
}

int rh_pat_post_(int64_t step, uint32_t j) {
  return rh_hash_(((uint64_t)step * 1000003u + j) ^ 0x5bd1e995u) % 30 == 0;
}

double rh_pat_level_(int64_t step) {
  return step % 500 < 20 ? 1.0 : 0.15;
}

rh_pattern rh_pattern_default(void) {
  return (rh_pattern){rh_pat_pre_, rh_pat_post_, rh_pat_level_, 20000};
}

void rh_assert_same(rh *a, rh *b) {
  for (size_t s = 0; s < a->n_syn; s++) {
    RH_CHECK(a->w[s] == b->w[s], "synapse %zu: weight %.9g vs %.9g", s,
             (double)a->w[s], (double)b->w[s]);
    for (unsigned v = 0; v < a->d->n_syn_vars; v++)
      RH_CHECK(a->syn[v][s] == b->syn[v][s] ||
                   (isnan(a->syn[v][s]) && isnan(b->syn[v][s])),
               "synapse %zu: %s %.17g vs %.17g", s, a->d->syn_vars[v].name,
               a->syn[v][s], b->syn[v][s]);
  }
  for (size_t j = 0; j < a->n_post; j++)
    for (unsigned v = 0; v < a->d->n_post_vars; v++)
      RH_CHECK(a->post[v][j] == b->post[v][j],
               "neuron %zu: %s %.17g vs %.17g", j, a->d->post_vars[v].name,
               a->post[v][j], b->post[v][j]);
}

void rh_close(rh *h) {
  if (!h) return;
  if (h->prepared && h->d->release) h->d->release(h->c.inst);
  for (unsigned v = 0; v < h->d->n_syn_vars; v++) free(h->syn[v]);
  for (unsigned v = 0; v < h->d->n_post_vars; v++) free(h->post[v]);
  free(h->syn);
  free(h->post);
  free(h->param);
  free(h->w);
  free(h->target);
  free(h->list);
  free(h);
}

double rh_ulp(double x) {
  float f = (float)fabs(x);
  return (double)nextafterf(f, INFINITY) - (double)f;
}

int rh_close_rel(double got, double want, double rel) {
  return fabs(got - want) <= rel * fabs(want);
}

int rh_has_row(const char *text, const char *name,
               const char *unit, const char *def) {
  const char *want[3] = {name, unit, def};
  for (const char *line = text; line && *line;) {
    const char *end = strchr(line, '\n');
    if (!end) end = line + strlen(line);
    const char *p = line;
    int ok = 1;
    for (int k = 0; k < 3 && ok && want[k]; k++) {
      const char *q = p;
      while (q < end && (*q == ' ' || *q == '\t')) q++;
      if (k > 0 && q == p) ok = 0; /* fields are separated by blanks */
      size_t len = strlen(want[k]);
      ok = ok && (size_t)(end - q) >= len && strncmp(q, want[k], len) == 0 &&
           (q + len == end || q[len] == ' ' || q[len] == '\t');
      p = q + len;
    }
    if (ok) return 1;
    line = *end ? end + 1 : NULL;
  }
  return 0;
}

void rh_check_vars_(const ap_plugin_desc *pd,
                    const ap_var_desc *v, unsigned nv) {
  for (unsigned i = 0; i < nv; i++) {
    char def[64];
    snprintf(def, sizeof def, "%g", v[i].def);
    ck_assert_msg(v[i].doc && v[i].doc[0], "variable %s has no doc line",
                  v[i].name);
    ck_assert_msg(rh_has_row(pd->doc_long, v[i].name, v[i].unit, def),
                  "doc_long of %s has no row \"%s  %s  %s\" for state "
                  "variable %s",
                  pd->name, v[i].name, v[i].unit, def, v[i].name);
  }
}

void rh_check_doc(const char *name) {
  char err[512] = "";
  int rc = ap_plugin_validate(ap_plugin_entry(), err, sizeof err);
  ck_assert_msg(rc == AP_OK, "the loader refuses the plugin: %s", err);
  const ap_plugin_desc *pd = rh_find_plugin_(name);
  ck_assert_ptr_nonnull(pd->doc);
  ck_assert_ptr_nonnull(pd->doc_long);
  static const char *const sections[] = {"Description", "Equations",
                                         "Parameters", "State",
                                         "References"};
  for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++) {
    char title[32];
    snprintf(title, sizeof title, "\n%s\n", sections[i]);
    ck_assert_msg(strstr(pd->doc_long, title),
                  "doc_long of %s has no %s section", name, sections[i]);
  }
  const ap_rule_desc *d = pd->desc;
  for (unsigned k = 0; k < d->n_params; k++) {
    const ap_param_desc *q = &d->params[k];
    char def[64];
    snprintf(def, sizeof def, "%g", q->def);
    ck_assert_msg(q->doc && q->doc[0], "parameter %s has no doc line",
                  q->name);
    ck_assert_msg(rh_has_row(pd->doc_long, q->name, q->unit, def),
                  "doc_long of %s has no row \"%s  %s  %s\" for parameter %s",
                  name, q->name, q->unit, def, q->name);
  }
  rh_check_vars_(pd, d->syn_vars, d->n_syn_vars);
  rh_check_vars_(pd, d->post_vars, d->n_post_vars);
}
