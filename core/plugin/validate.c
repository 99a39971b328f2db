/* validate.c -- the gate every plugin passes before any of its code runs
 * beyond the entry point: the descriptor checks of each kind (names,
 * units, ranges, layouts, required hooks), and the look-ups in
 * parameter, variable and port tables that the rest of the core uses. */
#include "plugin/loader.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strutil.h"

#define AP_NAME_MAX 63

/* Sizes of the structures as ABI 2.0 defines them: the end of their last
 * 2.0 field.  Fields appended by later minors must not move these. */
#define AP_END_OF(type, field) \
  (offsetof(type, field) + sizeof(((type *)0)->field))
#define AP_TABLE_SIZE_2_0 AP_END_OF(ap_plugin_table, plugins)
#define AP_PLUGIN_DESC_SIZE_2_0 AP_END_OF(ap_plugin_desc, desc)
#define AP_NEURON_DESC_SIZE_2_0 AP_END_OF(ap_neuron_desc, lower)
#define AP_SYNAPSE_DESC_SIZE_2_0 AP_END_OF(ap_synapse_desc, transmit)
#define AP_RULE_DESC_SIZE_2_0 AP_END_OF(ap_rule_desc, load)
#define AP_BACKEND_DESC_SIZE_2_0 AP_END_OF(ap_backend_desc, load)

/* ---------------------------------------------------------- validation */

static int fail(char *err, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  ap_vfmt(err, n, fmt, ap);
  va_end(ap);
  return AP_EPLUGIN;
}

static int is_ident(const char *s) {
  if (!s) return 0;
  if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
    return 0;
  size_t len = 1;
  for (const char *c = s + 1; *c; c++, len++) {
    if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
          (*c >= '0' && *c <= '9') || *c == '_'))
      return 0;
  }
  return len <= AP_NAME_MAX;
}

#define AP_IDENT_RULE "[A-Za-z_][A-Za-z0-9_]*, at most 63 characters"

/* " ms", or nothing for a dimensionless value. */
static const char *unit_sep(const char *unit) {
  return unit && *unit && strcmp(unit, "1") != 0 ? " " : "";
}
static const char *unit_txt(const char *unit) {
  return unit && *unit && strcmp(unit, "1") != 0 ? unit : "";
}

/* An infinite bound is never attained, whatever the flags say: a
 * parameter of -inf or inf only ever turns into NaN downstream, and
 * "(0, inf)" is what a user expects to read.  describe.c shows ranges
 * by the same rule. */
static int min_open(const ap_param_desc *p) {
  return (p->range & AP_RANGE_MIN_OPEN) || isinf(p->min);
}
static int max_open(const ap_param_desc *p) {
  return (p->range & AP_RANGE_MAX_OPEN) || isinf(p->max);
}

static void fmt_range(char *buf, size_t n, const ap_param_desc *p) {
  ap_fmt(buf, n, "%c%g, %g%c", min_open(p) ? '(' : '[', p->min, p->max,
         max_open(p) ? ')' : ']');
}

/* False for NaN. */
static int in_range(const ap_param_desc *p, double v) {
  int lo = min_open(p) ? v > p->min : v >= p->min;
  int hi = max_open(p) ? v < p->max : v <= p->max;
  return lo && hi;
}

static int check_name(const char *pre, const char *what, size_t i,
                      const char *name, char *err, size_t n) {
  if (!name) return fail(err, n, "%s: %s %zu: name is NULL", pre, what, i);
  if (!is_ident(name))
    return fail(err, n,
                "%s: %s %zu: name '%s' is not a valid identifier (" AP_IDENT_RULE
                ")",
                pre, what, i, name);
  return AP_OK;
}

static int check_params(const char *pre, int kind, const ap_param_desc *ps,
                        unsigned np, char *err, size_t n) {
  if (np > 0 && !ps)
    return fail(err, n, "%s: n_params = %u but params is NULL", pre, np);
  for (unsigned i = 0; i < np; i++) {
    const ap_param_desc *p = &ps[i];
    if (check_name(pre, "parameter", i, p->name, err, n)) return AP_EPLUGIN;
    for (unsigned j = 0; j < i; j++)
      if (strcmp(ps[j].name, p->name) == 0)
        return fail(err, n, "%s: parameter '%s' listed twice", pre, p->name);
    if (!p->unit)
      return fail(err, n,
                  "%s: parameter '%s': unit is NULL (use \"1\" for a "
                  "dimensionless value)",
                  pre, p->name);
    if (!p->doc || !*p->doc)
      return fail(err, n, "%s: parameter '%s': doc is missing", pre, p->name);
    switch (p->type) {
    case AP_PT_REAL:
    case AP_PT_INT:
    case AP_PT_LIST:
      break;
    case AP_PT_STRING:
      if (kind != AP_KIND_BACKEND)
        return fail(err, n,
                    "%s: parameter '%s': type AP_PT_STRING is allowed only "
                    "for backend settings",
                    pre, p->name);
      continue; /* no numeric range */
    default:
      return fail(err, n,
                  "%s: parameter '%s': type %d is not a valid ap_param_type",
                  pre, p->name, p->type);
    }
    if (!(p->min <= p->max))
      return fail(err, n, "%s: parameter '%s': min %g is greater than max %g",
                  pre, p->name, p->min, p->max);
    if (p->type == AP_PT_LIST) continue;
    if (!in_range(p, p->def)) {
      char r[96];
      fmt_range(r, sizeof r, p);
      return fail(err, n, "%s: parameter '%s': default %g%s%s outside its range %s",
                  pre, p->name, p->def, unit_sep(p->unit), unit_txt(p->unit),
                  r);
    }
    if (p->type == AP_PT_INT && p->def != floor(p->def))
      return fail(err, n, "%s: parameter '%s': default %g is not an integer",
                  pre, p->name, p->def);
  }
  return AP_OK;
}

/* A table of variables.  `others`/`n_others`: variables of the same
 * descriptor already checked (names must be unique across both). */
static int check_vars(const char *pre, const char *what, const char *field,
                      const ap_var_desc *vs, unsigned nv,
                      const ap_var_desc *others, unsigned n_others,
                      const ap_param_desc *ps, unsigned np,
                      unsigned n_comp, char *err, size_t n) {
  if (nv > 0 && !vs)
    return fail(err, n, "%s: n_%s = %u but %s is NULL", pre, field, nv, field);
  for (unsigned i = 0; i < nv; i++) {
    const ap_var_desc *v = &vs[i];
    if (check_name(pre, what, i, v->name, err, n)) return AP_EPLUGIN;
    for (unsigned j = 0; j < i; j++)
      if (strcmp(vs[j].name, v->name) == 0)
        return fail(err, n, "%s: %s '%s' listed twice", pre, what, v->name);
    for (unsigned j = 0; j < n_others; j++)
      if (strcmp(others[j].name, v->name) == 0)
        return fail(err, n, "%s: %s '%s' has the name of another variable",
                    pre, what, v->name);
    if (ap_param_index(ps, np, v->name) >= 0)
      return fail(err, n, "%s: %s '%s' has the name of a parameter", pre, what,
                  v->name);
    if (!v->unit)
      return fail(err, n,
                  "%s: %s '%s': unit is NULL (use \"1\" for a dimensionless "
                  "value)",
                  pre, what, v->name);
    if (!v->doc || !*v->doc)
      return fail(err, n, "%s: %s '%s': doc is missing", pre, what, v->name);
    if (v->def_from) {
      int k = ap_param_index(ps, np, v->def_from);
      if (k < 0)
        return fail(err, n, "%s: %s '%s': def_from '%s' is not a parameter",
                    pre, what, v->name, v->def_from);
      if (ps[k].type != AP_PT_REAL && ps[k].type != AP_PT_INT)
        return fail(err, n,
                    "%s: %s '%s': def_from '%s' is not a numeric parameter",
                    pre, what, v->name, v->def_from);
    }
    if (v->compartment >= n_comp)
      return fail(err, n,
                  "%s: %s '%s': compartment %u out of range (%u compartment%s)",
                  pre, what, v->name, v->compartment, n_comp,
                  n_comp == 1 ? "" : "s");
  }
  return AP_OK;
}

static int check_size(const char *pre, const char *type, size_t got,
                      size_t need, char *err, size_t n) {
  if (got < need)
    return fail(err, n, "%s: %s size %zu is smaller than the ABI 2.0 size %zu",
                pre, type, got, need);
  return AP_OK;
}

/* Compartments, state variables and ports: of a descriptor, or of the
 * shape a model returns for one population. */
static int check_layout(const char *pre, const ap_neuron_desc *d,
                        const char *const *comps, unsigned n_comps,
                        const ap_var_desc *vars, unsigned n_vars,
                        const ap_port_desc *ports, unsigned n_ports,
                        char *err, size_t n) {
  unsigned nc = 1;
  if (comps && n_comps > 0) {
    nc = n_comps;
    for (unsigned i = 0; i < nc; i++) {
      if (check_name(pre, "compartment", i, comps[i], err, n))
        return AP_EPLUGIN;
      for (unsigned j = 0; j < i; j++)
        if (strcmp(comps[j], comps[i]) == 0)
          return fail(err, n, "%s: compartment '%s' listed twice", pre,
                      comps[i]);
    }
  }
  if (check_vars(pre, "state variable", "vars", vars, n_vars, NULL, 0,
                 d->params, d->n_params, nc, err, n))
    return AP_EPLUGIN;
  if (n_ports > 0 && !ports)
    return fail(err, n, "%s: n_ports = %u but ports is NULL", pre, n_ports);
  for (unsigned i = 0; i < n_ports; i++) {
    const ap_port_desc *p = &ports[i];
    if (check_name(pre, "port", i, p->name, err, n)) return AP_EPLUGIN;
    for (unsigned j = 0; j < i; j++)
      if (strcmp(ports[j].name, p->name) == 0)
        return fail(err, n, "%s: port '%s' listed twice", pre, p->name);
    if (p->type != AP_PORT_CURRENT && p->type != AP_PORT_CONDUCTANCE &&
        p->type != AP_PORT_VOLTAGE)
      return fail(err, n,
                  "%s: port '%s': type %d is not one of AP_PORT_CURRENT, "
                  "AP_PORT_CONDUCTANCE, AP_PORT_VOLTAGE",
                  pre, p->name, p->type);
    if (p->compartment >= nc)
      return fail(err, n,
                  "%s: port '%s': compartment %u out of range (%u compartment%s)",
                  pre, p->name, p->compartment, nc, nc == 1 ? "" : "s");
    if (p->sign < -1 || p->sign > 1)
      return fail(err, n, "%s: port '%s': sign %d is not -1, 0 or +1", pre,
                  p->name, p->sign);
  }
  return AP_OK;
}

static int check_neuron(const char *pre, const ap_neuron_desc *d, char *err,
                        size_t n) {
  if (check_size(pre, "ap_neuron_desc", d->size, AP_NEURON_DESC_SIZE_2_0, err,
                 n))
    return AP_EPLUGIN;
  if (check_params(pre, AP_KIND_NEURON, d->params, d->n_params, err, n) ||
      check_layout(pre, d, d->compartments, d->n_compartments, d->vars,
                   d->n_vars, d->ports, d->n_ports, err, n))
    return AP_EPLUGIN;
  int shaped = AP_HAS_FIELD(d, ap_neuron_desc, shape) && d->shape;
  for (unsigned k = 0; k < d->n_params; k++)
    if (d->params[k].range & AP_PARAM_STRUCTURE) {
      if (!shaped)
        return fail(err, n, "%s: parameter '%s' is a structure parameter but "
                    "the model has no shape()", pre, d->params[k].name);
      if (d->params[k].type != AP_PT_REAL && d->params[k].type != AP_PT_INT)
        return fail(err, n, "%s: structure parameter '%s' must be a number "
                    "(AP_PT_REAL or AP_PT_INT)", pre, d->params[k].name);
    }
  if (!d->update)
    return fail(err, n, "%s: update is NULL (required for a neuron model)",
                pre);
  return AP_OK;
}

int ap_check_neuron_shape(const char *plugin, const ap_neuron_desc *d,
                          const ap_neuron_shape *s, char *err, size_t n) {
  char pre[128];
  ap_fmt(pre, sizeof pre, "%s: shape()", plugin);
  return check_layout(pre, d, s->compartments, s->n_compartments, s->vars,
                      s->n_vars, s->ports, s->n_ports, err, n);
}

static int check_synapse(const char *pre, const ap_synapse_desc *d, char *err,
                         size_t n) {
  if (check_size(pre, "ap_synapse_desc", d->size, AP_SYNAPSE_DESC_SIZE_2_0,
                 err, n))
    return AP_EPLUGIN;
  if (check_params(pre, AP_KIND_SYNAPSE, d->params, d->n_params, err, n) ||
      check_vars(pre, "state variable", "vars", d->vars, d->n_vars, NULL, 0,
                 d->params, d->n_params, 1, err, n))
    return AP_EPLUGIN;
  return AP_OK;
}

static int check_rule(const char *pre, const ap_rule_desc *d, char *err,
                      size_t n) {
  if (check_size(pre, "ap_rule_desc", d->size, AP_RULE_DESC_SIZE_2_0, err, n))
    return AP_EPLUGIN;
  if (check_params(pre, AP_KIND_RULE, d->params, d->n_params, err, n) ||
      check_vars(pre, "synapse variable", "syn_vars", d->syn_vars,
                 d->n_syn_vars, NULL, 0, d->params, d->n_params, 1, err, n) ||
      check_vars(pre, "postsynaptic variable", "post_vars", d->post_vars,
                 d->n_post_vars, d->syn_vars, d->n_syn_vars, d->params,
                 d->n_params, 1, err, n))
    return AP_EPLUGIN;
  if (!d->on_pre && !d->on_post && !d->on_phase && !d->on_spikes &&
      !d->on_step)
    return fail(err, n,
                "%s: on_pre, on_post, on_spikes, on_step and on_phase are all "
                "NULL (a learning rule needs at least one)",
                pre);
  if (AP_HAS_FIELD(d, ap_rule_desc, n_modulators) &&
      d->n_modulators > AP_RULE_MAX_MODULATORS)
    return fail(err, n, "%s: n_modulators is %u (at most %d)", pre,
                d->n_modulators, AP_RULE_MAX_MODULATORS);
  if (AP_HAS_FIELD(d, ap_rule_desc, n_modulators) && d->n_modulators &&
      !d->on_step)
    return fail(err, n, "%s: the rule reads %u modulators but on_step is "
                "NULL", pre, d->n_modulators);
  if (!d->save != !d->load)
    return fail(err, n, "%s: %s is NULL but %s is not (a rule saves and "
                "loads its state, or neither)", pre,
                d->save ? "load" : "save", d->save ? "save" : "load");
  if (AP_HAS_FIELD(d, ap_rule_desc, flags) &&
      (d->flags & ~(unsigned)(AP_RULE_LOCAL_CALLBACKS |
                              AP_RULE_MODULATORS_UP_TO |
                              AP_RULE_STEP_WEIGHTS |
                              AP_RULE_NO_NEURON_STATE)))
    return fail(err, n, "%s: flags 0x%x has bits this host does not know "
                "(known: AP_RULE_LOCAL_CALLBACKS, AP_RULE_MODULATORS_UP_TO, "
                "AP_RULE_STEP_WEIGHTS, AP_RULE_NO_NEURON_STATE)",
                pre, d->flags);
  return AP_OK;
}

static int check_backend(const char *pre, const ap_backend_desc *d, char *err,
                         size_t n) {
  if (check_size(pre, "ap_backend_desc", d->size, AP_BACKEND_DESC_SIZE_2_0,
                 err, n))
    return AP_EPLUGIN;
  if (check_params(pre, AP_KIND_BACKEND, d->params, d->n_params, err, n))
    return AP_EPLUGIN;
  if (!d->create)
    return fail(err, n, "%s: create is NULL (required for a backend)", pre);
  if (!d->run)
    return fail(err, n, "%s: run is NULL (required for a backend)", pre);
  if (!d->destroy)
    return fail(err, n, "%s: destroy is NULL (required for a backend)", pre);
  if (!d->save != !d->load)
    return fail(err, n, "%s: %s is NULL but %s is not (a backend saves and "
                "loads its state, or neither)", pre,
                d->save ? "load" : "save", d->save ? "save" : "load");
  return AP_OK;
}

static const char *desc_type(int kind) {
  switch (kind) {
  case AP_KIND_NEURON: return "ap_neuron_desc";
  case AP_KIND_SYNAPSE: return "ap_synapse_desc";
  case AP_KIND_RULE: return "ap_rule_desc";
  default: return "ap_backend_desc";
  }
}

const ap_plugin_desc *ap_plugin_at(const ap_plugin_table *t, size_t i) {
  return (const ap_plugin_desc *)(const void *)((const char *)t->plugins +
                                                i * t->plugins[0].size);
}

int ap_plugin_validate(const ap_plugin_table *t, char *err, size_t n) {
  if (!t) return fail(err, n, "entry returned NULL");
  if (t->magic != AP_PLUGIN_MAGIC)
    return fail(err, n, "bad magic (not an apical plugin table)");
  if (t->abi_major != AP_ABI_MAJOR)
    return fail(err, n, "built for plugin ABI %u.%u, this apical's is %d.%d: "
                "rebuild it against this apical's headers",
                (unsigned)t->abi_major, (unsigned)t->abi_minor, AP_ABI_MAJOR,
                AP_ABI_MINOR);
  if (t->abi_minor > AP_ABI_MINOR)
    return fail(err, n, "plugin ABI %u.%u is newer than this apical's %d.%d",
                (unsigned)t->abi_major, (unsigned)t->abi_minor, AP_ABI_MAJOR,
                AP_ABI_MINOR);
  if (t->sizeof_real != sizeof(ap_real))
    return fail(err, n, "built with sizeof(ap_real)=%u, this apical uses %zu",
                (unsigned)t->sizeof_real, sizeof(ap_real));
  if (t->sizeof_weight != sizeof(ap_weight))
    return fail(err, n, "built with sizeof(ap_weight)=%u, this apical uses %zu",
                (unsigned)t->sizeof_weight, sizeof(ap_weight));
  if (t->size < AP_TABLE_SIZE_2_0)
    return fail(err, n, "plugin table size %zu is smaller than the ABI 2.0 size %zu",
                t->size, (size_t)AP_TABLE_SIZE_2_0);
  if (t->n == 0) return fail(err, n, "plugin table has no descriptors (n = 0)");
  if (!t->plugins)
    return fail(err, n, "plugin table has n = %zu but plugins is NULL", t->n);

  /* The descriptors are stepped through by the size they state (a table
   * built for an older minor has smaller ones). */
  const size_t stride = t->plugins[0].size;
  for (size_t i = 0; i < t->n; i++) {
    const ap_plugin_desc *d = ap_plugin_at(t, i);
    char pre[96];
    ap_fmt(pre, sizeof pre, "descriptor %zu", i);
    if (d->size < AP_PLUGIN_DESC_SIZE_2_0)
      return fail(err, n, "%s: size %zu is smaller than the ABI 2.0 size %zu",
                  pre, d->size, (size_t)AP_PLUGIN_DESC_SIZE_2_0);
    if (d->size != stride)
      return fail(err, n, "%s: size %zu differs from descriptor 0's %zu (the "
                  "descriptors of a table are of one type)", pre, d->size,
                  stride);
    if (!d->name) return fail(err, n, "%s: name is NULL", pre);
    if (!is_ident(d->name))
      return fail(err, n,
                  "%s: name '%s' is not a valid identifier (" AP_IDENT_RULE ")",
                  pre, d->name);
    ap_fmt(pre, sizeof pre, "descriptor '%s'", d->name);
    for (size_t j = 0; j < i; j++)
      if (strcmp(ap_plugin_at(t, j)->name, d->name) == 0)
        return fail(err, n,
                    "%s: name used twice in this plugin (descriptors %zu and "
                    "%zu)",
                    pre, j, i);
    if (!ap_kind_name(d->kind))
      return fail(err, n,
                  "%s: kind %d is not valid (AP_KIND_NEURON, AP_KIND_SYNAPSE, "
                  "AP_KIND_RULE or AP_KIND_BACKEND)",
                  pre, d->kind);
    if (!d->version || !*d->version)
      return fail(err, n, "%s: version is missing", pre);
    if (!d->doc || !*d->doc) return fail(err, n, "%s: doc is missing", pre);
    if (!d->desc)
      return fail(err, n, "%s: desc is NULL (needs an %s)", pre,
                  desc_type(d->kind));
    int r = AP_OK;
    switch (d->kind) {
    case AP_KIND_NEURON: r = check_neuron(pre, d->desc, err, n); break;
    case AP_KIND_SYNAPSE: r = check_synapse(pre, d->desc, err, n); break;
    case AP_KIND_RULE: r = check_rule(pre, d->desc, err, n); break;
    case AP_KIND_BACKEND: r = check_backend(pre, d->desc, err, n); break;
    }
    if (r != AP_OK) return r;
  }
  if (err && n) err[0] = '\0';
  return AP_OK;
}

/* ---------------------------------------------------- table look-ups */

int ap_param_index(const ap_param_desc *p, unsigned n, const char *name) {
  if (!p || !name) return -1;
  for (unsigned i = 0; i < n; i++)
    if (p[i].name && strcmp(p[i].name, name) == 0) return (int)i;
  return -1;
}

int ap_var_index(const ap_var_desc *v, unsigned n, const char *name) {
  if (!v || !name) return -1;
  for (unsigned i = 0; i < n; i++)
    if (v[i].name && strcmp(v[i].name, name) == 0) return (int)i;
  return -1;
}

int ap_port_index(const ap_port_desc *p, unsigned n, const char *name) {
  if (!p || !name) return -1;
  for (unsigned i = 0; i < n; i++)
    if (p[i].name && strcmp(p[i].name, name) == 0) return (int)i;
  return -1;
}

int ap_param_check(const ap_param_desc *p, const char *plugin, double v,
                   char *err, size_t n) {
  if (!p) return AP_EINVAL;
  if (!plugin) plugin = "?";
  if (p->type == AP_PT_STRING) {
    fail(err, n, "parameter '%s' of %s is a string, not a number", p->name,
         plugin);
    return AP_EINVAL;
  }
  if (!in_range(p, v)) {
    char r[96];
    fmt_range(r, sizeof r, p);
    fail(err, n, "parameter '%s' of %s must be in %s%s%s, got %g", p->name,
         plugin, r, unit_sep(p->unit), unit_txt(p->unit), v);
    return AP_EINVAL;
  }
  if (p->type == AP_PT_INT && v != floor(v)) {
    fail(err, n, "parameter '%s' of %s must be an integer, got %g", p->name,
         plugin, v);
    return AP_EINVAL;
  }
  return AP_OK;
}
