/* neuron_harness.c -- the functions of neuron_harness.h. */
#include "neuron_harness.h"

void *nh_calloc_(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size ? size : 1);
  NH_CHECK(p != NULL, "harness: out of memory");
  return p;
}

const ap_plugin_desc *nh_find_plugin_(const char *name) {
  const ap_plugin_table *t = ap_plugin_entry();
  ck_assert_ptr_nonnull(t);
  ck_assert_uint_eq(t->magic, AP_PLUGIN_MAGIC);
  const ap_plugin_desc *pd = NULL;
  for (size_t k = 0; k < t->n; k++)
    if (strcmp(t->plugins[k].name, name) == 0) pd = &t->plugins[k];
  ck_assert_msg(pd != NULL, "harness: no plugin named %s", name);
  ck_assert_int_eq(pd->kind, AP_KIND_NEURON);
  const ap_neuron_desc *d = pd->desc;
  ck_assert_uint_eq(d->size, sizeof(ap_neuron_desc));
  return pd;
}

nh *nh_open_desc_(const ap_plugin_desc *pd,
                  const ap_neuron_desc *d, size_t n,
                  double dt) {
  nh *h = nh_calloc_(1, sizeof *h);
  h->window_step = -1;
  h->input_w = 1;
  h->plugin = pd;
  h->d = d;
  h->n = n;
  h->dt = dt;
  h->gid0 = 1000;
  h->seed = 12345;
  h->stream = 7;
  h->param = nh_calloc_(d->n_params, sizeof *h->param);
  h->lists = nh_calloc_(d->n_params, sizeof *h->lists);
  h->lcount = nh_calloc_(d->n_params, sizeof *h->lcount);
  h->lval = nh_calloc_(d->n_params, sizeof *h->lval);
  h->loff = nh_calloc_(d->n_params, sizeof *h->loff);
  h->lflat = nh_calloc_(d->n_params, sizeof *h->lflat);
  for (unsigned k = 0; k < d->n_params; k++) {
    h->param[k] = nh_calloc_(n, sizeof(ap_real));
    for (size_t i = 0; i < n; i++) h->param[k][i] = d->params[k].def;
    if (d->params[k].type == AP_PT_LIST) {
      h->lcount[k] = nh_calloc_(n, sizeof(size_t));
      h->lval[k] = nh_calloc_(n, sizeof(ap_real *));
    }
  }
  h->state = nh_calloc_(d->n_vars, sizeof *h->state);
  for (unsigned v = 0; v < d->n_vars; v++)
    h->state[v] = nh_calloc_(n, sizeof(ap_real));
  h->input = nh_calloc_(d->n_ports, sizeof *h->input);
  for (unsigned p = 0; p < d->n_ports; p++)
    h->input[p] = nh_calloc_(n, sizeof(ap_real));
  h->spiked = nh_calloc_(n, sizeof(uint32_t));
  h->mult = nh_calloc_(n, sizeof(uint32_t));
  h->bspk = nh_calloc_(n, sizeof(uint32_t));
  h->bmult = nh_calloc_(n, sizeof(uint32_t));
  h->bparam = nh_calloc_(d->n_params, sizeof *h->bparam);
  h->bstate = nh_calloc_(d->n_vars, sizeof *h->bstate);
  h->binput = nh_calloc_(d->n_ports, sizeof *h->binput);
  return h;
}

nh *nh_open(const char *name, size_t n, double dt) {
  const ap_plugin_desc *pd = nh_find_plugin_(name);
  return nh_open_desc_(pd, pd->desc, n, dt);
}

nh *nh_open_shaped(const char *name, size_t n, double dt,
                   const char *const *keys,
                   const double *values, size_t nk, char *err,
                   size_t err_size) {
  const ap_plugin_desc *pd = nh_find_plugin_(name);
  const ap_neuron_desc *base = pd->desc;
  ck_assert_msg(base->shape != NULL && base->release_shape != NULL,
                "harness: %s has no shape()", name);
  ap_real *st = nh_calloc_(base->n_params, sizeof *st);
  for (unsigned k = 0; k < base->n_params; k++) st[k] = base->params[k].def;
  for (size_t j = 0; j < nk; j++) {
    int k = -1;
    for (unsigned q = 0; q < base->n_params; q++)
      if (strcmp(base->params[q].name, keys[j]) == 0) k = (int)q;
    ck_assert_msg(k >= 0 && (base->params[k].range & AP_PARAM_STRUCTURE),
                  "harness: %s is not a structure parameter of %s", keys[j],
                  name);
    st[k] = values[j];
  }
  ap_neuron_shape sh;
  memset(&sh, 0, sizeof sh);
  sh.size = sizeof sh;
  sh.dt = dt;
  char msg[256] = "";
  if (base->shape(&sh, st, msg, sizeof msg) != AP_OK) {
    ck_assert_msg(msg[0] != '\0', "shape() failed without a reason");
    if (err && err_size) snprintf(err, err_size, "%s", msg);
    free(st);
    return NULL;
  }
  ap_neuron_desc *d = nh_calloc_(1, sizeof *d);
  *d = *base;
  d->compartments = sh.compartments;
  d->n_compartments = sh.n_compartments;
  d->vars = sh.vars;
  d->n_vars = sh.n_vars;
  d->ports = sh.ports;
  d->n_ports = sh.n_ports;
  nh *h = nh_open_desc_(pd, d, n, dt);
  h->shaped = d;
  h->shape = sh;
  for (unsigned k = 0; k < base->n_params; k++)
    if (base->params[k].range & AP_PARAM_STRUCTURE)
      for (size_t i = 0; i < n; i++) h->param[k][i] = st[k];
  free(st);
  return h;
}

int nh_find_param(const nh *h, const char *name) {
  for (unsigned k = 0; k < h->d->n_params; k++)
    if (strcmp(h->d->params[k].name, name) == 0) return (int)k;
  return -1;
}

int nh_find_var(const nh *h, const char *name) {
  for (unsigned v = 0; v < h->d->n_vars; v++)
    if (strcmp(h->d->vars[v].name, name) == 0) return (int)v;
  return -1;
}

ap_real *nh_par(nh *h, const char *name) {
  int k = nh_find_param(h, name);
  NH_CHECK(k >= 0, "harness: no parameter %s", name);
  return h->param[k];
}

void nh_set(nh *h, const char *name, double value) {
  ap_real *p = nh_par(h, name);
  for (size_t i = 0; i < h->n; i++) p[i] = value;
}

ap_real *nh_var(nh *h, const char *name) {
  int v = nh_find_var(h, name);
  NH_CHECK(v >= 0, "harness: no state variable %s", name);
  return h->state[v];
}

ap_real *nh_in(nh *h, const char *name) {
  for (unsigned p = 0; p < h->d->n_ports; p++)
    if (strcmp(h->d->ports[p].name, name) == 0) return h->input[p];
  ck_abort_msg("harness: no port %s", name);
  return NULL;
}

void nh_set_list(nh *h, const char *name, size_t i,
                 const double *values, size_t count) {
  int k = nh_find_param(h, name);
  ck_assert_msg(k >= 0, "harness: no parameter %s", name);
  ck_assert_int_eq(h->d->params[k].type, AP_PT_LIST);
  ck_assert_uint_lt(i, h->n);
  free(h->lval[k][i]);
  h->lval[k][i] = nh_calloc_(count, sizeof(ap_real));
  for (size_t j = 0; j < count; j++) h->lval[k][i][j] = values[j];
  h->lcount[k][i] = count;
}

void nh_init_state(nh *h) {
  for (unsigned v = 0; v < h->d->n_vars; v++) {
    const ap_var_desc *vd = &h->d->vars[v];
    const ap_real *src = NULL;
    if (vd->def_from) src = nh_par(h, vd->def_from);
    for (size_t i = 0; i < h->n; i++)
      h->state[v][i] = src ? src[i] : vd->def;
  }
  h->state_ready = 1;
}

void nh_build_lists_(nh *h) {
  for (unsigned k = 0; k < h->d->n_params; k++) {
    if (h->d->params[k].type != AP_PT_LIST) continue;
    free(h->loff[k]);
    free(h->lflat[k]);
    size_t total = 0;
    for (size_t i = 0; i < h->n; i++) total += h->lcount[k][i];
    h->loff[k] = nh_calloc_(h->n + 1, sizeof(size_t));
    h->lflat[k] = nh_calloc_(total, sizeof(ap_real));
    size_t at = 0;
    for (size_t i = 0; i < h->n; i++) {
      h->loff[k][i] = at;
      for (size_t j = 0; j < h->lcount[k][i]; j++)
        h->lflat[k][at++] = h->lval[k][i][j];
    }
    h->loff[k][h->n] = at;
    h->lists[k].offset = h->loff[k];
    h->lists[k].value = h->lflat[k];
  }
}

int nh_prepare(nh *h) {
  if (!h->state_ready) nh_init_state(h);
  if (h->prepared && h->d->release) h->d->release(h->inst);
  h->inst = NULL;
  h->prepared = 0;
  nh_build_lists_(h);
  h->err[0] = '\0';
  ap_neuron_pop pop = {
      .size = sizeof(ap_neuron_pop),
      .n = h->n,
      .gid0 = h->gid0,
      .seed = h->seed,
      .stream = h->stream,
      .dt = h->dt,
      .param = (const ap_real *const *)h->param,
      .state = h->state,
      .lists = h->lists,
      .host = ap_host_services(),
  };
  int rc = h->d->prepare(&h->inst, &pop, h->err, sizeof h->err);
  if (rc == AP_OK)
    h->prepared = 1;
  else
    ck_assert_msg(h->err[0] != '\0', "prepare failed without a reason");
  return rc;
}

int nh_step_blocks(nh *h, const size_t *sizes, size_t nb) {
  NH_CHECK(h->prepared, "harness: step before a successful prepare");
  const ap_neuron_desc *d = h->d;
  size_t one = h->n;
  if (!sizes) {
    sizes = &one;
    nb = 1;
  }
  int rc = AP_OK;
  size_t first = 0;
  h->n_spiked = 0;
  for (size_t blk = 0; blk < nb; blk++) {
    size_t m = sizes[blk];
    NH_CHECK(first + m <= h->n, "harness: blocks exceed the population");
    for (unsigned k = 0; k < d->n_params; k++)
      h->bparam[k] = h->param[k] + first;
    for (unsigned v = 0; v < d->n_vars; v++) h->bstate[v] = h->state[v] + first;
    for (unsigned p = 0; p < d->n_ports; p++)
      h->binput[p] = h->input[p] + first;
    ap_neuron_block b = {
        .size = sizeof(ap_neuron_block),
        .first = first,
        .n = m,
        .step = h->step,
        .dt = h->dt,
        .gid0 = h->gid0 + first,
        .seed = h->seed,
        .stream = h->stream,
        .state = h->bstate,
        .param = (const ap_real *const *)h->bparam,
        .input = (const ap_real *const *)h->binput,
        .input_w = h->input_w ? h->binput : NULL,
        .lists = h->lists,
        .inst = h->inst,
        .host = ap_host_services(),
        .spiked = h->bspk,
        .n_spiked = 0,
        .mult = h->bmult,
        .has_mult = 0,
        .window_step = h->window_step,
    };
    int r = d->update(&b, h->err, sizeof h->err);
    if (r != AP_OK && rc == AP_OK) rc = r;
    NH_CHECK(!b.inputs_cleared || h->input_w,
             "update said it cleared inputs it was not given writable");
    if (b.inputs_cleared)
      for (unsigned p = 0; p < d->n_ports; p++)
        for (size_t i = 0; i < m; i++)
          NH_CHECK(h->binput[p][i] == 0.0,
                   "update said it cleared its inputs, but port %u of "
                   "block neuron %zu holds %g",
                   p, i, h->binput[p][i]);
    NH_CHECK(b.n_spiked <= m, "update reported %zu spikes in a block of %zu",
             b.n_spiked, m);
    for (size_t s = 0; s < b.n_spiked; s++) {
      NH_CHECK(b.spiked[s] < m, "spiked[%zu] = %u outside the block of %zu",
               s, b.spiked[s], m);
      NH_CHECK(s == 0 || b.spiked[s] > b.spiked[s - 1],
               "spiked[] not ascending or repeated at %zu", s);
      uint32_t mu = b.has_mult ? b.mult[s] : 1;
      NH_CHECK(mu >= 1, "mult[%zu] is 0 for a reported neuron", s);
      h->spiked[h->n_spiked] = (uint32_t)(first + b.spiked[s]);
      h->mult[h->n_spiked] = mu;
      h->n_spiked++;
      if (h->keep_log) {
        if (h->n_log == h->cap_log) {
          h->cap_log = h->cap_log ? 2 * h->cap_log : 256;
          h->log = realloc(h->log, h->cap_log * sizeof *h->log);
          NH_CHECK(h->log != NULL, "harness: out of memory");
        }
        h->log[h->n_log++] =
            (nh_spike){h->step, (uint32_t)(first + b.spiked[s]), mu};
      }
    }
    first += m;
  }
  NH_CHECK(first == h->n, "harness: blocks cover %zu of %zu neurons", first,
           h->n);
  for (unsigned p = 0; p < d->n_ports; p++)
    memset(h->input[p], 0, h->n * sizeof(ap_real));
  h->step++;
  return rc;
}

long nh_check_input_w(const char *model, size_t n, double dt, long steps,
                      double w_max, const char *const *names,
                      const double *values, size_t n_set) {
  nh *h[2] = {nh_open(model, n, dt), nh_open(model, n, dt)};
  h[1]->input_w = 0;
  for (int k = 0; k < 2; k++) {
    for (size_t j = 0; j < n_set; j++) nh_set(h[k], names[j], values[j]);
    NH_CHECK(nh_prepare(h[k]) == AP_OK, "%s: prepare failed: %s", model,
             h[k]->err);
  }
  const ap_neuron_desc *d = h[0]->d;
  uint64_t x = 12345;
  long spikes = 0;
  for (long s = 0; s < steps; s++) {
    for (unsigned p = 0; p < d->n_ports; p++)
      for (size_t i = 0; i < n; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        double u = (double)(x >> 11) * 0x1.0p-53;
        double w = u < 1.0 / 3.0 ? 3.0 * u * w_max : 0.0;
        h[0]->input[p][i] = h[1]->input[p][i] = w;
      }
    nh_step(h[0]);
    nh_step(h[1]);
    NH_CHECK(h[0]->n_spiked == h[1]->n_spiked &&
                 !memcmp(h[0]->spiked, h[1]->spiked,
                         h[0]->n_spiked * sizeof *h[0]->spiked),
             "%s, step %ld: other spikes with input_w", model, s);
    spikes += (long)h[0]->n_spiked;
    for (unsigned v = 0; v < d->n_vars; v++)
      NH_CHECK(!memcmp(h[0]->state[v], h[1]->state[v], n * sizeof(ap_real)),
               "%s, step %ld: %s differs with input_w", model, s,
               d->vars[v].name);
  }
  nh_close(h[0]);
  nh_close(h[1]);
  return spikes;
}

void nh_step(nh *h) {
  int rc = nh_step_blocks(h, NULL, 0);
  NH_CHECK(rc == AP_OK, "update failed with status %d", rc);
}

int nh_spiked(const nh *h, size_t i) {
  for (size_t s = 0; s < h->n_spiked; s++)
    if (h->spiked[s] == i) return 1;
  return 0;
}

void nh_close(nh *h) {
  if (!h) return;
  if (h->prepared && h->d->release) h->d->release(h->inst);
  for (unsigned k = 0; k < h->d->n_params; k++) {
    free(h->param[k]);
    if (h->lval[k])
      for (size_t i = 0; i < h->n; i++) free(h->lval[k][i]);
    free(h->lval[k]);
    free(h->lcount[k]);
    free(h->loff[k]);
    free(h->lflat[k]);
  }
  for (unsigned v = 0; v < h->d->n_vars; v++) free(h->state[v]);
  for (unsigned p = 0; p < h->d->n_ports; p++) free(h->input[p]);
  free(h->param);
  free(h->lists);
  free(h->lcount);
  free(h->lval);
  free(h->loff);
  free(h->lflat);
  free(h->state);
  free(h->input);
  free(h->spiked);
  free(h->mult);
  free(h->bspk);
  free(h->bmult);
  free(h->bparam);
  free(h->bstate);
  free(h->binput);
  free(h->log);
  if (h->shaped) {
    const ap_neuron_desc *base = h->plugin->desc;
    base->release_shape(&h->shape);
    free(h->shaped);
  }
  free(h);
}

int nh_has_word(const char *text, const char *word) {
  size_t len = strlen(word);
  for (const char *p = text; (p = strstr(p, word)) != NULL; p++) {
    int before = p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '_');
    int after = isalnum((unsigned char)p[len]) || p[len] == '_';
    if (!before && !after) return 1;
  }
  return 0;
}

int nh_has_row(const char *text, const char *a, const char *b,
               const char *c) {
  const char *want[3] = {a, b, c};
  int need = c ? 3 : 2;
  for (const char *line = text; line && *line;) {
    const char *end = strchr(line, '\n');
    if (!end) end = line + strlen(line);
    const char *p = line;
    int ok = 1;
    for (int k = 0; k < need && ok; k++) {
      while (p < end && (*p == ' ' || *p == '\t')) p++;
      const char *q = p;
      while (q < end && *q != ' ' && *q != '\t') q++;
      size_t len = strlen(want[k]);
      ok = (size_t)(q - p) == len && strncmp(p, want[k], len) == 0;
      p = q;
    }
    if (ok) return 1;
    line = *end ? end + 1 : NULL;
  }
  return 0;
}

void nh_check_doc(const char *plugin_name) {
  const ap_plugin_table *t = ap_plugin_entry();
  const ap_plugin_desc *pd = NULL;
  for (size_t k = 0; k < t->n; k++)
    if (strcmp(t->plugins[k].name, plugin_name) == 0) pd = &t->plugins[k];
  ck_assert_ptr_nonnull(pd);
  ck_assert_ptr_nonnull(pd->doc);
  ck_assert_ptr_nonnull(pd->doc_long);
  const ap_neuron_desc *d = pd->desc;
  for (unsigned k = 0; k < d->n_params; k++) {
    const ap_param_desc *q = &d->params[k];
    char def[64];
    snprintf(def, sizeof def, "%g", q->def);
    ck_assert_msg(nh_has_word(pd->doc_long, q->name),
                  "doc_long of %s does not mention parameter %s", plugin_name,
                  q->name);
    ck_assert_msg(
        nh_has_row(pd->doc_long, q->name, q->unit,
                   q->type == AP_PT_LIST ? NULL : def),
        "doc_long of %s has no table row \"%s %s %s\" for parameter %s",
        plugin_name, q->name, q->unit, q->type == AP_PT_LIST ? "" : def,
        q->name);
    ck_assert_msg(q->doc && q->doc[0], "parameter %s has no doc line",
                  q->name);
  }
  for (unsigned v = 0; v < d->n_vars; v++) {
    const ap_var_desc *q = &d->vars[v];
    ck_assert_msg(nh_has_word(pd->doc_long, q->name),
                  "doc_long of %s does not mention state variable %s",
                  plugin_name, q->name);
    ck_assert_msg(nh_has_row(pd->doc_long, q->name, q->unit, NULL),
                  "doc_long of %s has no table row \"%s %s\" for state "
                  "variable %s",
                  plugin_name, q->name, q->unit, q->name);
    ck_assert_msg(q->doc && q->doc[0], "state variable %s has no doc line",
                  q->name);
    if (q->def_from)
      ck_assert_msg(nh_find_param(&(nh){.d = d}, q->def_from) >= 0,
                    "def_from of %s names no parameter", q->name);
  }
  for (unsigned p = 0; p < d->n_ports; p++)
    ck_assert_msg(nh_has_row(pd->doc_long, d->ports[p].name,
                             d->ports[p].type == AP_PORT_CURRENT ? "current"
                             : d->ports[p].type == AP_PORT_VOLTAGE
                                 ? "voltage"
                                 : "conductance",
                             NULL),
                  "doc_long of %s has no row for port %s", plugin_name,
                  d->ports[p].name);
}
