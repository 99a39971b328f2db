/* conform.c -- `apical check-plugin` (see conform.h): the report, the
 * loading, the descriptor checks every kind shares, the dispatch to the
 * runs of each kind (conform_run.c, conform_rule.c) and the command.
 * Every part writes its lines through conform_report.c; calls go one
 * way, from here down to the runs and from every part to the report.
 *
 * The checker is stricter than the loader on purpose: the loader refuses
 * what the host cannot use safely (a NULL unit), the checker also what
 * users cannot use well (an empty unit, a missing long doc, a port that
 * does nothing).  Descriptor checks report the first problem of each
 * kind and how many more there are, so that the report stays one line
 * per check however broken the tables are. */
#include "tools/conform.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "tools/conform_int.h"
#include "base/strutil.h"

/* ------------------------------------------------ descriptor checks */

/* The first problem of one check and how many there are. */
typedef struct cf_prob {
  char first[768];
  unsigned n;
} cf_prob;

static void prob(cf_prob *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void prob(cf_prob *p, const char *fmt, ...) {
  if (p->n++ == 0) {
    va_list ap;
    va_start(ap, fmt);
    ap_vfmt(p->first, sizeof p->first, fmt, ap);
    va_end(ap);
  }
}

/* FAIL with the first problem, or PASS with `ok`. */
static void verdict(cf_report *r, const char *check, const cf_prob *p,
                    const char *ok) {
  if (p->n > 1)
    cf_say(r, CF_FAIL, check, "%s (and %u more)", p->first, p->n - 1);
  else if (p->n)
    cf_say(r, CF_FAIL, check, "%s", p->first);
  else
    cf_say(r, CF_PASS, check, "%s", ok);
}

static int ident_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '_';
}

/* The loader's rule: [A-Za-z_][A-Za-z0-9_]*, at most 63 characters. */
static int is_ident(const char *s) {
  if (!s || !*s || (*s >= '0' && *s <= '9')) return 0;
  size_t len = 0;
  for (; s[len]; len++)
    if (!ident_char(s[len])) return 0;
  return len <= 63;
}

static int one_line(const char *s) {
  return s && *s && !strchr(s, '\n');
}

/* Whether `text` has `word` with no identifier character on either side
 * (so that "V_m" is not found in "V_min"). */
static int names_word(const char *text, const char *word) {
  size_t len = strlen(word);
  if (!text || !len) return 0;
  for (const char *p = strstr(text, word); p; p = strstr(p + 1, word)) {
    int before = p > text && ident_char(p[-1]);
    int after = ident_char(p[len]);
    if (!before && !after) return 1;
  }
  return 0;
}

/* What a descriptor of any kind names: parameters (settings for a
 * backend), up to two tables of variables, ports and compartments. */
typedef struct cf_tables {
  const ap_param_desc *ps;
  unsigned np;
  const char *pwhat; /* "parameter" or "setting" */
  struct {
    const char *what;
    const ap_var_desc *v;
    unsigned n;
  } vars[2];
  unsigned nvt;
  const ap_port_desc *ports;
  unsigned nports;
  const char *const *comps;
  unsigned ncomps;
} cf_tables;

static void tables_of(const ap_plugin_desc *pd, cf_tables *t) {
  memset(t, 0, sizeof *t);
  t->pwhat = "parameter";
  switch (pd->kind) {
  case AP_KIND_NEURON: {
    const ap_neuron_desc *d = pd->desc;
    t->ps = d->params;
    t->np = d->n_params;
    t->vars[0].what = "state variable";
    t->vars[0].v = d->vars;
    t->vars[0].n = d->n_vars;
    t->nvt = 1;
    t->ports = d->ports;
    t->nports = d->n_ports;
    if (d->compartments && d->n_compartments) {
      t->comps = d->compartments;
      t->ncomps = d->n_compartments;
    }
    break;
  }
  case AP_KIND_SYNAPSE: {
    const ap_synapse_desc *d = pd->desc;
    t->ps = d->params;
    t->np = d->n_params;
    t->vars[0].what = "state variable";
    t->vars[0].v = d->vars;
    t->vars[0].n = d->n_vars;
    t->nvt = 1;
    break;
  }
  case AP_KIND_RULE: {
    const ap_rule_desc *d = pd->desc;
    t->ps = d->params;
    t->np = d->n_params;
    t->vars[0].what = "synapse variable";
    t->vars[0].v = d->syn_vars;
    t->vars[0].n = d->n_syn_vars;
    t->vars[1].what = "postsynaptic variable";
    t->vars[1].v = d->post_vars;
    t->vars[1].n = d->n_post_vars;
    t->nvt = 2;
    break;
  }
  case AP_KIND_BACKEND: {
    const ap_backend_desc *d = pd->desc;
    t->ps = d->params;
    t->np = d->n_params;
    t->pwhat = "setting";
    break;
  }
  }
}

static unsigned n_vars_of(const cf_tables *t) {
  unsigned n = 0;
  for (unsigned k = 0; k < t->nvt; k++) n += t->vars[k].n;
  return n;
}


/* Names are identifiers and the plugin says its version. */
static void check_names(cf_report *r, const ap_plugin_desc *pd,
                        const cf_tables *t) {
  cf_prob p = {{0}, 0};
  unsigned names = 1;
  if (!is_ident(pd->name))
    prob(&p, "the plugin name '%s' is not an identifier", pd->name);
  if (!pd->version || !*pd->version) prob(&p, "the version is missing");
  for (unsigned k = 0; k < t->np; k++, names++)
    if (!is_ident(t->ps[k].name))
      prob(&p, "%s %u: name '%s' is not an identifier", t->pwhat, k,
           t->ps[k].name ? t->ps[k].name : "(null)");
  for (unsigned g = 0; g < t->nvt; g++)
    for (unsigned k = 0; k < t->vars[g].n; k++, names++)
      if (!is_ident(t->vars[g].v[k].name))
        prob(&p, "%s %u: name '%s' is not an identifier", t->vars[g].what, k,
             t->vars[g].v[k].name ? t->vars[g].v[k].name : "(null)");
  for (unsigned k = 0; k < t->nports; k++, names++)
    if (!is_ident(t->ports[k].name))
      prob(&p, "port %u: name '%s' is not an identifier", k,
           t->ports[k].name ? t->ports[k].name : "(null)");
  for (unsigned k = 0; k < t->ncomps; k++, names++)
    if (!is_ident(t->comps[k]))
      prob(&p, "compartment %u: name '%s' is not an identifier", k,
           t->comps[k] ? t->comps[k] : "(null)");
  char ok[256];
  ap_fmt(ok, sizeof ok, "version %s; %u name%s, all identifiers",
         pd->version ? pd->version : "", names, cf_plural(names));
  verdict(r, "names", &p, ok);
}

/* Every parameter and variable has a unit ("1" when dimensionless). */
static void check_units(cf_report *r, const cf_tables *t) {
  cf_prob p = {{0}, 0};
  for (unsigned k = 0; k < t->np; k++)
    if (!t->ps[k].unit || !*t->ps[k].unit)
      prob(&p, "%s '%s' has no unit (use \"1\" for a dimensionless value)",
           t->pwhat, t->ps[k].name);
  for (unsigned g = 0; g < t->nvt; g++)
    for (unsigned k = 0; k < t->vars[g].n; k++)
      if (!t->vars[g].v[k].unit || !*t->vars[g].v[k].unit)
        prob(&p, "%s '%s' has no unit (use \"1\" for a dimensionless value)",
             t->vars[g].what, t->vars[g].v[k].name);
  unsigned nv = n_vars_of(t);
  char ok[256];
  ap_fmt(ok, sizeof ok, "%u %s%s and %u variable%s, each with one", t->np,
         t->pwhat, cf_plural(t->np), nv, cf_plural(nv));
  verdict(r, "units", &p, ok);
}

static void doc_prob(cf_prob *p, const char *what, const char *name,
                     const char *doc) {
  if (!doc || !*doc)
    prob(p, "%s '%s' has no doc line", what, name);
  else if (!one_line(doc))
    prob(p, "%s '%s' has a doc of more than one line (the long doc is the "
         "place for more)", what, name);
}

/* The plugin and every parameter, variable and port have a one-line doc. */
static void check_docs(cf_report *r, const ap_plugin_desc *pd,
                       const cf_tables *t) {
  cf_prob p = {{0}, 0};
  if (!pd->doc || !*pd->doc)
    prob(&p, "the plugin has no doc line");
  else if (!one_line(pd->doc))
    prob(&p, "the plugin's doc has more than one line (doc_long is the "
         "place for more)");
  for (unsigned k = 0; k < t->np; k++)
    doc_prob(&p, t->pwhat, t->ps[k].name, t->ps[k].doc);
  for (unsigned g = 0; g < t->nvt; g++)
    for (unsigned k = 0; k < t->vars[g].n; k++)
      doc_prob(&p, t->vars[g].what, t->vars[g].v[k].name,
               t->vars[g].v[k].doc);
  for (unsigned k = 0; k < t->nports; k++)
    doc_prob(&p, "port", t->ports[k].name, t->ports[k].doc);
  unsigned n = t->np + n_vars_of(t) + t->nports;
  char ok[256];
  ap_fmt(ok, sizeof ok, "the plugin's and %u more, one line each", n);
  verdict(r, "docs", &p, ok);
}

/* As the loader reads a range: an infinite bound is never attained. */
static int in_range(const ap_param_desc *p, double v) {
  int lo_open = (p->range & AP_RANGE_MIN_OPEN) || isinf(p->min);
  int hi_open = (p->range & AP_RANGE_MAX_OPEN) || isinf(p->max);
  return (lo_open ? v > p->min : v >= p->min) &&
         (hi_open ? v < p->max : v <= p->max);
}

/* Numeric defaults inside their ranges, integers whole, variables'
 * initial values not NaN. */
static void check_defaults(cf_report *r, const cf_tables *t) {
  cf_prob p = {{0}, 0};
  unsigned n = 0, nv = 0;
  char a[32];
  for (unsigned k = 0; k < t->np; k++) {
    const ap_param_desc *q = &t->ps[k];
    if (q->type != AP_PT_REAL && q->type != AP_PT_INT) continue;
    n++;
    if (!in_range(q, q->def))
      prob(&p, "%s '%s': default %s %s outside [%g, %g]", t->pwhat, q->name,
           cf_num(a, sizeof a, q->def), q->unit ? q->unit : "", q->min,
           q->max);
    else if (q->type == AP_PT_INT && q->def != floor(q->def))
      prob(&p, "%s '%s': default %g is not an integer", t->pwhat, q->name,
           q->def);
  }
  for (unsigned g = 0; g < t->nvt; g++)
    for (unsigned k = 0; k < t->vars[g].n; k++) {
      const ap_var_desc *v = &t->vars[g].v[k];
      nv++;
      if (!v->def_from && isnan(v->def))
        prob(&p, "%s '%s': initial value is NaN", t->vars[g].what, v->name);
    }
  char ok[256];
  ap_fmt(ok, sizeof ok, "%u numeric default%s in range, %u initial value%s "
         "not NaN", n, cf_plural(n), nv, cf_plural(nv));
  verdict(r, "defaults", &p, ok);
}

static int host_owned(const ap_plugin_desc *pd, const char *name) {
  return pd->kind == AP_KIND_SYNAPSE &&
         (!strcmp(name, "weight") || !strcmp(name, "delay"));
}

/* The long doc is there and names every parameter: the one place that
 * says what a parameter does beyond its doc line.  A synapse model's
 * weight and delay are the host's, the same for every model, and need
 * not be named. */
static void check_doc_long(cf_report *r, const ap_plugin_desc *pd,
                           const cf_tables *t) {
  cf_prob p = {{0}, 0};
  const char *dl = pd->doc_long;
  if (!dl || !*dl) {
    cf_say(r, CF_FAIL, "doc_long",
           "missing: give the plugin a long doc (description, equations, a "
           "row per %s, references)", t->pwhat);
    return;
  }
  unsigned named = 0;
  for (unsigned k = 0; k < t->np; k++) {
    if (host_owned(pd, t->ps[k].name)) continue;
    named++;
    if (!names_word(dl, t->ps[k].name))
      prob(&p, "does not name the %s '%s'", t->pwhat, t->ps[k].name);
  }
  unsigned lines = 1;
  for (const char *c = dl; *c; c++)
    if (*c == '\n' && c[1]) lines++;
  char ok[256];
  if (named == 0)
    ap_fmt(ok, sizeof ok, "%u line%s; no %s to name", lines, cf_plural(lines),
           t->pwhat);
  else if (named == 1)
    ap_fmt(ok, sizeof ok, "%u line%s, naming the %s", lines, cf_plural(lines),
           t->pwhat);
  else
    ap_fmt(ok, sizeof ok, "%u line%s, naming all %u %ss", lines,
           cf_plural(lines), named, t->pwhat);
  if (named < t->np)
    ap_append(ok, sizeof ok, " (weight and delay are the host's)");
  verdict(r, "doc_long", &p, ok);
}

/* --------------------------------------------------- neuron models */

static int cmp_desc(const void *a, const void *b) {
  const ap_plugin_desc *x = *(const ap_plugin_desc *const *)a;
  const ap_plugin_desc *y = *(const ap_plugin_desc *const *)b;
  return strcmp(x->name, y->name);
}

static int has_model(const cf_models *m, const char *name) {
  for (size_t i = 0; i < m->n; i++)
    if (!strcmp(m->d[i]->name, name)) return 1;
  return 0;
}

/* The neuron models a rule or backend run may use: the file's own, then
 * those of `reg` by name.  0, or -1 when out of memory. */
static int models_new(cf_models *m, const ap_registry *own,
                      const ap_registry *reg) {
  size_t cap = ap_registry_count(own) + ap_registry_count(reg);
  m->n = 0;
  m->d = calloc(cap ? cap : 1, sizeof *m->d);
  if (!m->d) return -1;
  for (size_t i = 0; i < ap_registry_count(own); i++) {
    const ap_plugin *p = ap_registry_at(own, i);
    if (p->kind == AP_KIND_NEURON) m->d[m->n++] = p->desc;
  }
  size_t first = m->n;
  for (size_t i = 0; i < ap_registry_count(reg); i++) {
    const ap_plugin *p = ap_registry_at(reg, i);
    if (p->kind == AP_KIND_NEURON && !has_model(m, p->name))
      m->d[m->n++] = p->desc;
  }
  qsort(m->d + first, m->n - first, sizeof *m->d, cmp_desc);
  return 0;
}

/* --------------------------------------------------------- the file */

int ap_check_plugin(const char *path, const ap_registry *models,
                    FILE *report) {
  cf_report r = {report, NULL, NULL, {0, 0, 0}};
  fprintf(report, "check-plugin %s\n", path);
  ap_registry *own = ap_registry_new();
  if (!own) {
    cf_say(&r, CF_FAIL, "load", "out of memory");
    return 1;
  }
  ap_registry_load_file(own, path);
  size_t n = ap_registry_count(own);
  if (ap_registry_n_rejects(own) || n == 0) {
    for (size_t i = 0; i < ap_registry_n_rejects(own); i++)
      cf_say(&r, CF_FAIL, "load", "%s", ap_registry_reject(own, i));
    if (!ap_registry_n_rejects(own))
      cf_say(&r, CF_FAIL, "load", "%s: no plugin loaded", path);
  }
  if (n) {
    char names[512] = "";
    for (size_t i = 0; i < n; i++)
      ap_append(names, sizeof names, "%s%s %s", i ? ", " : "",
                ap_kind_name(ap_registry_at(own, i)->kind),
                ap_registry_at(own, i)->name);
    cf_say(&r, CF_PASS, "load",
           "this apical's loader (plugin ABI %d.%d) accepts it: %zu "
           "descriptor%s: %s",
           AP_ABI_MAJOR, AP_ABI_MINOR, n, n == 1 ? "" : "s", names);
  }
  cf_models m = {NULL, 0};
  if (n && models_new(&m, own, models)) {
    cf_say(&r, CF_FAIL, "load", "out of memory");
    n = 0;
  }
  for (size_t i = 0; i < n; i++) {
    const ap_plugin *p = ap_registry_at(own, i);
    const ap_plugin_desc *pd = p->desc;
    r.kind = ap_kind_name(p->kind);
    r.name = p->name;
    cf_tables t;
    tables_of(pd, &t);
    check_names(&r, pd, &t);
    check_units(&r, &t);
    check_docs(&r, pd, &t);
    check_defaults(&r, &t);
    check_doc_long(&r, pd, &t);
    switch (p->kind) {
    case AP_KIND_NEURON: cf_check_neuron(&r, pd); break;
    case AP_KIND_SYNAPSE: cf_check_synapse(&r, pd); break;
    case AP_KIND_RULE: cf_check_rule(&r, pd, &m); break;
    case AP_KIND_BACKEND: cf_check_backend(&r, pd, &m); break;
    }
  }
  free(m.d);
  ap_registry_free(own);
  fprintf(report, "summary: %s: %u passed, %u failed, %u skipped: %s\n", path,
          r.count[CF_PASS], r.count[CF_FAIL], r.count[CF_SKIP],
          r.count[CF_FAIL] ? "does not conform" : "conforms");
  fflush(report);
  return (int)r.count[CF_FAIL];
}

/* ------------------------------------------------------ the command */

static int is_path(const char *a) {
  size_t len = strlen(a);
  return strchr(a, '/') || (len > 3 && !strcmp(a + len - 3, ".so"));
}

/* "no plugin named 'x' (did you mean 'y'?)", for a name not found. */
static void unknown(const ap_registry *reg, const char *name) {
  size_t n = ap_registry_count(reg);
  const char **names = calloc(n ? n : 1, sizeof *names);
  for (size_t i = 0; names && i < n; i++)
    names[i] = ap_registry_at(reg, i)->name;
  const char *near = names ? ap_closest(name, names, n) : NULL;
  fprintf(stderr, "apical: check-plugin: no plugin named '%s'", name);
  if (near) fprintf(stderr, " (did you mean '%s'?)", near);
  fprintf(stderr, "; give the path of its .so file, or see 'apical plugins' "
          "for the plugins found and their files\n");
  free(names);
}

int ap_check_plugin_command(const ap_registry *reg, int n, char **args,
                            FILE *out) {
  if (n < 1) {
    fprintf(stderr, "apical: usage: apical check-plugin PATH.so|NAME...\n");
    return 2;
  }
  int rc = 0;
  for (int i = 0; i < n; i++) {
    const char *path = args[i];
    if (!is_path(path)) {
      const ap_plugin *p = ap_registry_find(reg, path);
      if (!p) {
        unknown(reg, path);
        rc = 1;
        continue;
      }
      path = p->path;
    }
    if (i) fputc('\n', out);
    if (ap_check_plugin(path, reg, out)) rc = 1;
  }
  return rc;
}
