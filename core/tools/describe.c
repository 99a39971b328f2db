/* describe.c -- human-readable listings for `apical plugins` and
 * `apical describe NAME`, written from the descriptor tables alone, so
 * that what users read is what the host validates and uses. */
#include "tools/describe.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/strutil.h"

/* ----------------------------------------------------- aligned tables */

#define TBL_COLS 6
#define CELL_MAX 256

/* Rows of cells, printed with every column but the last padded to its
 * widest cell.  The first row is the header. */
typedef struct tbl {
  int ncol;
  size_t nrow, cap;
  char (*cells)[TBL_COLS][CELL_MAX];
  int oom;
} tbl;

static void tbl_row(tbl *t, ...) {
  if (t->oom) return;
  if (t->nrow == t->cap) {
    size_t nc = t->cap ? t->cap * 2 : 16;
    void *p = realloc(t->cells, nc * sizeof *t->cells);
    if (!p) {
      t->oom = 1;
      return;
    }
    t->cells = p;
    t->cap = nc;
  }
  va_list ap;
  va_start(ap, t);
  for (int c = 0; c < t->ncol; c++) {
    const char *s = va_arg(ap, const char *);
    ap_fmt(t->cells[t->nrow][c], CELL_MAX, "%s", s ? s : "");
  }
  va_end(ap);
  t->nrow++;
}

static void tbl_print(FILE *out, tbl *t, const char *indent) {
  size_t w[TBL_COLS] = {0};
  for (size_t r = 0; r < t->nrow; r++)
    for (int c = 0; c < t->ncol; c++) {
      size_t l = strlen(t->cells[r][c]);
      if (l > w[c]) w[c] = l;
    }
  for (size_t r = 0; r < t->nrow; r++) {
    fputs(indent, out);
    /* Trailing empty cells would only leave trailing blanks. */
    int last = t->ncol - 1;
    while (last > 0 && t->cells[r][last][0] == '\0') last--;
    for (int c = 0; c <= last; c++) {
      if (c < last)
        fprintf(out, "%-*s  ", (int)w[c], t->cells[r][c]);
      else
        fputs(t->cells[r][c], out);
    }
    fputc('\n', out);
  }
  free(t->cells);
  t->cells = NULL;
  t->nrow = t->cap = 0;
}

/* First line of a doc string, for one-line listings. */
static void first_line(char *buf, size_t n, const char *s) {
  if (!s) s = "";
  size_t len = strcspn(s, "\n");
  ap_fmt(buf, n, "%.*s", (int)len, s);
}

/* ------------------------------------------------------ ap_describe_list */

static const int kinds[4] = {AP_KIND_NEURON, AP_KIND_SYNAPSE, AP_KIND_RULE,
                             AP_KIND_BACKEND};
static const char *const sections[4] = {"neuron models:", "synapse models:",
                                        "learning rules:", "backends:"};

static int cmp_plugin(const void *a, const void *b) {
  const ap_plugin *pa = *(const ap_plugin *const *)a;
  const ap_plugin *pb = *(const ap_plugin *const *)b;
  return strcmp(pa->name, pb->name);
}

void ap_describe_list(FILE *out, const ap_registry *reg) {
  size_t n = ap_registry_count(reg);
  const ap_plugin **all = n ? malloc(n * sizeof *all) : NULL;
  if (n && !all) n = 0;
  for (size_t i = 0; i < n; i++) all[i] = ap_registry_at(reg, i);
  if (n) qsort(all, n, sizeof *all, cmp_plugin);

  /* One table across all sections, so the columns line up throughout. */
  size_t wname = 0, wver = 0;
  for (size_t i = 0; i < n; i++) {
    size_t l = strlen(all[i]->name);
    if (l > wname) wname = l;
    l = strlen(all[i]->desc->version);
    if (l > wver) wver = l;
  }
  for (int k = 0; k < 4; k++) {
    fprintf(out, "%s\n", sections[k]);
    int any = 0;
    for (size_t i = 0; i < n; i++) {
      if (all[i]->kind != kinds[k]) continue;
      char doc[256];
      first_line(doc, sizeof doc, all[i]->desc->doc);
      fprintf(out, "  %-*s  %-*s  %s  (from %s)\n", (int)wname, all[i]->name,
              (int)wver, all[i]->desc->version, doc, all[i]->path);
      any = 1;
    }
    if (!any) fprintf(out, "  (none)\n");
  }
  free(all);

  fprintf(out, "searched: ");
  size_t nd = ap_registry_n_dirs(reg);
  if (nd == 0) fprintf(out, "(no directories)");
  for (size_t i = 0; i < nd; i++)
    fprintf(out, "%s%s", i ? ", " : "", ap_registry_dir(reg, i));
  fputc('\n', out);

  size_t nr = ap_registry_n_rejects(reg);
  if (nr) {
    fprintf(out, "rejected files:\n");
    for (size_t i = 0; i < nr; i++)
      fprintf(out, "  %s\n", ap_registry_reject(reg, i));
  }
}

/* -------------------------------------------------- ap_describe_plugin */

/* "[0, inf)": an infinite bound reads as open, as loader.c checks it. */
static void fmt_range(char *buf, size_t n, const ap_param_desc *p) {
  ap_fmt(buf, n, "%c%g, %g%c",
         (p->range & AP_RANGE_MIN_OPEN) || isinf(p->min) ? '(' : '[', p->min,
         p->max, (p->range & AP_RANGE_MAX_OPEN) || isinf(p->max) ? ')' : ']');
}

static const char *unit_or_dash(const char *u) {
  return u && *u ? u : "-";
}

static void describe_params(FILE *out, const char *title,
                            const ap_param_desc *ps, unsigned np) {
  fprintf(out, "\n%s\n", title);
  if (np == 0 || !ps) {
    fprintf(out, "  (none)\n");
    return;
  }
  tbl t = {.ncol = 5};
  tbl_row(&t, "name", "unit", "default", "range", "doc");
  for (unsigned i = 0; i < np; i++) {
    const ap_param_desc *p = &ps[i];
    char def[64], range[96];
    switch (p->type) {
    case AP_PT_STRING:
      ap_fmt(def, sizeof def, "\"%s\"", p->def_str ? p->def_str : "");
      ap_fmt(range, sizeof range, "text");
      break;
    case AP_PT_LIST:
      ap_fmt(def, sizeof def, "[]");
      if (p->min == -INFINITY && p->max == INFINITY) {
        ap_fmt(range, sizeof range, "list");
      } else {
        char r[80];
        fmt_range(r, sizeof r, p);
        ap_fmt(range, sizeof range, "list, each in %s", r);
      }
      break;
    default:
      ap_fmt(def, sizeof def, "%g", p->def);
      if (p->min == -INFINITY && p->max == INFINITY)
        ap_fmt(range, sizeof range, "any");
      else
        fmt_range(range, sizeof range, p);
      if (p->type == AP_PT_INT) ap_append(range, sizeof range, " integer");
      if (p->range & AP_PARAM_STRUCTURE)
        ap_append(range, sizeof range, ", structure (ap.population only)");
      break;
    }
    tbl_row(&t, p->name, unit_or_dash(p->unit), def, range, p->doc);
  }
  tbl_print(out, &t, "  ");
}

static void describe_vars(FILE *out, const char *title, const ap_var_desc *vs,
                          unsigned nv, const char *const *comps,
                          unsigned ncomp) {
  fprintf(out, "\n%s\n", title);
  if (nv == 0 || !vs) {
    fprintf(out, "  (none)\n");
    return;
  }
  int show_comp = ncomp > 1;
  tbl t = {.ncol = show_comp ? 5 : 4};
  if (show_comp)
    tbl_row(&t, "name", "unit", "initial", "compartment", "doc");
  else
    tbl_row(&t, "name", "unit", "initial", "doc");
  for (unsigned i = 0; i < nv; i++) {
    const ap_var_desc *v = &vs[i];
    char init[80], doc[CELL_MAX];
    if (v->def_from)
      ap_fmt(init, sizeof init, "= %s", v->def_from);
    else
      ap_fmt(init, sizeof init, "%g", v->def);
    ap_fmt(doc, sizeof doc, "%s%s", v->doc ? v->doc : "",
           (v->flags & AP_VAR_INTERNAL) ? " (internal)" : "");
    if (show_comp)
      tbl_row(&t, v->name, unit_or_dash(v->unit), init,
              v->compartment < ncomp ? comps[v->compartment] : "?", doc);
    else
      tbl_row(&t, v->name, unit_or_dash(v->unit), init, doc);
  }
  tbl_print(out, &t, "  ");
}

static void describe_ports(FILE *out, const ap_neuron_desc *d,
                           const char *const *comps, unsigned ncomp) {
  fprintf(out, "\ninput ports:\n");
  if (d->n_ports == 0 || !d->ports) {
    fprintf(out, "  (none)\n");
    return;
  }
  tbl t = {.ncol = 5};
  tbl_row(&t, "name", "type", "compartment", "default for", "doc");
  for (unsigned i = 0; i < d->n_ports; i++) {
    const ap_port_desc *p = &d->ports[i];
    const char *type = "?";
    switch (p->type) {
    case AP_PORT_CURRENT: type = "current (pA)"; break;
    case AP_PORT_CONDUCTANCE: type = "conductance (nS)"; break;
    case AP_PORT_VOLTAGE: type = "voltage (mV)"; break;
    }
    const char *sign = p->sign > 0   ? "weights >= 0"
                       : p->sign < 0 ? "weights < 0"
                                     : "-";
    tbl_row(&t, p->name, type,
            p->compartment < ncomp ? comps[p->compartment] : "?", sign,
            p->doc);
  }
  tbl_print(out, &t, "  ");
}

static void print_indented(FILE *out, const char *s) {
  while (*s) {
    size_t len = strcspn(s, "\n");
    if (len) fprintf(out, "  %.*s", (int)len, s);
    fputc('\n', out);
    s += len;
    if (*s == '\n') s++;
  }
}

static const char *kind_title(int kind) {
  switch (kind) {
  case AP_KIND_NEURON: return "neuron model";
  case AP_KIND_SYNAPSE: return "synapse model";
  case AP_KIND_RULE: return "learning rule";
  case AP_KIND_BACKEND: return "backend";
  default: return "plugin";
  }
}

void ap_describe_plugin(FILE *out, const ap_plugin *p) {
  if (!p) return;
  const ap_plugin_desc *d = p->desc;
  fprintf(out, "%s  (%s, version %s)\n", p->name, kind_title(p->kind),
          d->version);
  fprintf(out, "file: %s\n\n", p->path);
  print_indented(out, d->doc);
  if (d->doc_long && *d->doc_long) {
    fputc('\n', out);
    print_indented(out, d->doc_long);
  }

  static const char *const soma[1] = {"soma"};
  switch (p->kind) {
  case AP_KIND_NEURON: {
    const ap_neuron_desc *n = d->desc;
    const char *const *comps = soma;
    unsigned nc = 1;
    if (n->compartments && n->n_compartments > 0) {
      comps = n->compartments;
      nc = n->n_compartments;
    }
    describe_params(out, "parameters:", n->params, n->n_params);
    describe_vars(out, "state variables:", n->vars, n->n_vars, comps, nc);
    fprintf(out, "\ncompartments: ");
    for (unsigned i = 0; i < nc; i++)
      fprintf(out, "%s%s", i ? ", " : "", comps[i]);
    fputc('\n', out);
    describe_ports(out, n, comps, nc);
    fprintf(out, "\nchip form: %s\n",
            AP_HAS_FIELD(n, ap_neuron_desc, lower) && n->lower
                ? "declared (runs on the neuromorphic backend where the "
                  "chip allows its parameters)"
                : "none (the neuromorphic backend refuses it)");
    break;
  }
  case AP_KIND_SYNAPSE: {
    const ap_synapse_desc *s = d->desc;
    describe_params(out, "parameters (per projection):", s->params,
                    s->n_params);
    describe_vars(out, "state variables (per synapse):", s->vars, s->n_vars,
                  soma, 1);
    fprintf(out, "\ntransmit: %s\n",
            s->transmit ? "model-specific" : "stored weights, unchanged");
    break;
  }
  case AP_KIND_RULE: {
    const ap_rule_desc *r = d->desc;
    describe_params(out, "parameters (per projection):", r->params,
                    r->n_params);
    describe_vars(out, "state variables (per synapse):", r->syn_vars,
                  r->n_syn_vars, soma, 1);
    describe_vars(out, "state variables (per postsynaptic neuron):",
                  r->post_vars, r->n_post_vars, soma, 1);
    fprintf(out, "\nacts on:%s%s%s\n", r->on_pre ? " presynaptic spikes" : "",
            r->on_pre && r->on_post ? "," : "",
            r->on_post ? " postsynaptic spikes" : "");
    unsigned nm = AP_HAS_FIELD(r, ap_rule_desc, n_modulators)
                      ? r->n_modulators : 0;
    if (nm)
      fprintf(out, "modulators: %u (name %s with modulator = ...)\n", nm,
              nm == 1 ? "it" : "them");
    else if (r->on_step)
      fprintf(out, "called every step: yes\n");
    unsigned cl = AP_HAS_FIELD(r, ap_rule_desc, chip_learning)
                      ? r->chip_learning : 0;
    fprintf(out, "on-chip learning: %s\n",
            cl & AP_CHIP_RULE_LOCAL_TRACES
                ? "local traces (runs on learning engines such as Loihi's)"
                : "none declared (runs only where learning is software)");
    if (AP_HAS_FIELD(r, ap_rule_desc, flags) &&
        (r->flags & AP_RULE_LOCAL_CALLBACKS))
      fprintf(out, "per-step calls: touch only the rule's own state (may run "
              "beside delivery)\n");
    break;
  }
  case AP_KIND_BACKEND: {
    const ap_backend_desc *b = d->desc;
    describe_params(out, "settings (--set key=value):", b->params,
                    b->n_params);
    break;
  }
  }
}
