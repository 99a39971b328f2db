/* mapping.c -- neurons onto cores and chips, and the cost of a spike.
 *
 * Each population on the chip gets cores of its own, filled in neuron
 * order while a core has compartments, synapse memory and input axons
 * left (a neuron with several synaptic current decays takes one
 * compartment per decay where the profile says so).  Cores are numbered
 * in that order and fill chips one after the other.  Spike sources stay
 * on the host and inject their spikes.
 *
 * A spike goes once to every core that holds one of its targets.  Its
 * cost is, per destination core, one spike within a tile plus the tile
 * hops between the two cores: tiles sit on a mesh of mesh_x columns per
 * chip, chips side by side in a row.  A neuron's routes are counted once
 * here, so a spike at run time costs one look-up. */
#include <stdlib.h>
#include <string.h>

#include "nm.h"

static inline uint32_t syn_post(const ap_net_proj *pr, size_t s) {
  return pr->delay ? pr->target[s] : pr->target[s] & AP_PACK_TARGET_MASK;
}

/* Tile coordinates of global core k. */
static void tile_of(const nm_chip *c, size_t k, long *x, long *y) {
  long chip = (long)(k / (size_t)c->cores_per_chip);
  long t = (long)(k % (size_t)c->cores_per_chip) / c->cores_per_tile;
  *x = chip * c->mesh_x + t % c->mesh_x;
  *y = t / c->mesh_x;
}

/* Place population i's neurons; sources of each neuron's input are
 * listed in src (CSR by neuron, global ids). */
static int place(nm *m, size_t i, const size_t *soff, const uint64_t *src,
                 uint32_t *mark, size_t *n_cores, size_t *cap) {
  const nm_chip *c = &m->chip;
  nm_pop *p = &m->pops[i];
  const long cpn = c->compartment_per_current && p->n_currents > 1
                       ? (long)p->n_currents : 1;
  const uint64_t syn_cap =
      (uint64_t)(c->synapse_bits_per_core / c->synapse_bits);
  char nb[128];
  nm_pop_name(m, i, nb, sizeof nb);
  p->core0 = *n_cores;
  size_t core = *n_cores;
  long comp = 0;
  uint64_t syn = 0, axons = 0, held = 0;
  int open = 0;
  for (size_t k = 0; k < p->n; k++) {
    const uint64_t indeg = soff[k + 1] - soff[k];
    if ((long)cpn > c->compartments_per_core || indeg > syn_cap) {
      nm_refuse(m, "%s: neuron %zu %s; a %s core holds %s", nb, k + 1,
                indeg > syn_cap ? "has too many incoming synapses"
                                : "needs more compartments than a core has",
                c->name,
                indeg > syn_cap ? "fewer synapses" : "fewer compartments");
      return 0;
    }
    /* distinct sources this neuron adds to the open core */
    uint64_t fresh = 0;
    uint32_t stamp = (uint32_t)core + 1;
    if (open)
      for (size_t q = soff[k]; q < soff[k + 1]; q++)
        fresh += mark[src[q]] != stamp;
    if (!open || comp + cpn > c->compartments_per_core ||
        (p->per_core && held >= p->per_core) ||
        syn + indeg > syn_cap || axons + fresh > (uint64_t)c->fanin_per_core) {
      if (open) core++;
      open = 1;
      comp = 0;
      syn = 0;
      axons = 0;
      held = 0;
      stamp = (uint32_t)core + 1;
      if (core >= *cap) {
        size_t nc = *cap ? *cap * 2 : 64;
        uint32_t *a = realloc(m->core_comp, nc * sizeof *a);
        if (!a) return -1;
        m->core_comp = a;
        uint64_t *b = realloc(m->core_syn, nc * sizeof *b);
        if (!b) return -1;
        m->core_syn = b;
        uint32_t *d = realloc(m->core_in, nc * sizeof *d);
        if (!d) return -1;
        m->core_in = d;
        *cap = nc;
      }
      fresh = 0;
      for (size_t q = soff[k]; q < soff[k + 1]; q++)
        if (mark[src[q]] != stamp) {
          mark[src[q]] = stamp;
          fresh++;
        }
      if (fresh > (uint64_t)c->fanin_per_core) {
        nm_refuse(m, "%s: neuron %zu receives from %llu neurons; a %s core "
                  "has %ld input axons", nb, k + 1, (unsigned long long)fresh,
                  c->name, c->fanin_per_core);
        return 0;
      }
    } else {
      for (size_t q = soff[k]; q < soff[k + 1]; q++) mark[src[q]] = stamp;
    }
    comp += cpn;
    held++;
    syn += indeg;
    axons += fresh;
    p->core[k] = (uint32_t)core;
    m->core_comp[core] = (uint32_t)comp;
    m->core_syn[core] = syn;
    m->core_in[core] = (uint32_t)axons;
  }
  *n_cores = open ? core + 1 : core;
  p->n_cores = *n_cores - p->core0;
  return 0;
}

static int map_once(nm *m) {
  const ap_net *net = m->net;
  const nm_chip *c = &m->chip;
  uint64_t total = 0;
  for (size_t i = 0; i < net->n_pops; i++) total += net->pops[i]->n;
  uint64_t *gid0 = calloc(net->n_pops + 1, sizeof *gid0);
  uint32_t *mark = calloc(total ? total : 1, sizeof *mark);
  if (!gid0 || !mark) goto oom;
  for (size_t i = 0; i < net->n_pops; i++)
    gid0[i + 1] = gid0[i] + net->pops[i]->n;
  size_t n_cores = 0, cap = 0;
  for (size_t i = 0; i < net->n_pops; i++) {
    nm_pop *p = &m->pops[i];
    const size_t nn = p->n ? p->n : 1;
    if (!p->core) p->core = calloc(nn, sizeof *p->core);
    if (!p->dest) p->dest = calloc(nn, sizeof *p->dest);
    if (!p->far) p->far = calloc(nn, sizeof *p->far);
    if (!p->away) p->away = calloc(nn, sizeof *p->away);
    if (!p->route_j) p->route_j = calloc(nn, sizeof *p->route_j);
    if (!p->route_s) p->route_s = calloc(nn, sizeof *p->route_s);
    if (!p->core || !p->dest || !p->far || !p->away || !p->route_j ||
        !p->route_s)
      goto oom;
    memset(p->dest, 0, nn * sizeof *p->dest);
    memset(p->away, 0, nn * sizeof *p->away);
    memset(p->far, 0, nn * sizeof *p->far);
    if (p->form != AP_LOWER_LIF || !p->v) continue;
    /* each neuron's sources, all projections into the population */
    size_t *soff = calloc(p->n + 1, sizeof *soff);
    if (!soff) goto oom;
    for (size_t j = 0; j < net->n_projs; j++) {
      const ap_net_proj *pr = net->projs[j];
      if (pr->post != i) continue;
      for (size_t q = 0; q < pr->n_syn; q++) soff[syn_post(pr, q) + 1]++;
    }
    for (size_t k = 0; k < p->n; k++) soff[k + 1] += soff[k];
    uint64_t *src = malloc((soff[p->n] ? soff[p->n] : 1) * sizeof *src);
    size_t *fill = malloc((p->n ? p->n : 1) * sizeof *fill);
    if (!src || !fill) {
      free(soff), free(src), free(fill);
      goto oom;
    }
    memcpy(fill, soff, p->n * sizeof *fill);
    for (size_t j = 0; j < net->n_projs; j++) {
      const ap_net_proj *pr = net->projs[j];
      if (pr->post != i) continue;
      for (size_t a = 0; a < net->pops[pr->pre]->n; a++)
        for (size_t q = pr->row[a]; q < pr->row[a + 1]; q++)
          src[fill[syn_post(pr, q)]++] = gid0[pr->pre] + a;
    }
    int rc = place(m, i, soff, src, mark, &n_cores, &cap);
    free(soff), free(src), free(fill);
    if (rc) goto oom;
  }
  m->n_cores = n_cores;
  m->n_chips = (n_cores + (size_t)c->cores_per_chip - 1) /
               (size_t)c->cores_per_chip;
  free(m->core_busy);
  free(m->core_out);
  m->core_busy = calloc(n_cores ? n_cores : 1, sizeof *m->core_busy);
  m->core_out = calloc(n_cores ? n_cores : 1, sizeof *m->core_out);
  if (!m->core_busy || !m->core_out) goto oom;
  /* routes: the distinct cores each neuron reaches */
  uint32_t *seen = calloc(n_cores ? n_cores : 1, sizeof *seen);
  if (!seen) goto oom;
  uint32_t stamp = 0;
  for (size_t i = 0; i < net->n_pops; i++) {
    nm_pop *p = &m->pops[i];
    if (!p->form) continue;
    const int on_chip = p->form == AP_LOWER_LIF;
    for (size_t a = 0; a < p->n; a++) {
      if (++stamp == 0) {
        memset(seen, 0, n_cores * sizeof *seen);
        stamp = 1;
      }
      long sx = 0, sy = 0;
      size_t schip = 0;
      if (on_chip) {
        tile_of(c, p->core[a], &sx, &sy);
        schip = p->core[a] / (size_t)c->cores_per_chip;
      }
      double ej = 0, ts = 0;
      for (size_t j = 0; j < net->n_projs; j++) {
        const ap_net_proj *pr = net->projs[j];
        if (pr->pre != i || !m->projs[j].w) continue;
        const nm_pop *post = &m->pops[pr->post];
        for (size_t q = pr->row[a]; q < pr->row[a + 1]; q++) {
          uint32_t dc = post->core[syn_post(pr, q)];
          if (seen[dc] == stamp) continue;
          seen[dc] = stamp;
          p->dest[a]++;
          if (!on_chip || dc != p->core[a]) p->away[a]++;
          long hx = 0, hy = 0;
          if (on_chip) {
            long dx, dy;
            tile_of(c, dc, &dx, &dy);
            hx = labs(dx - sx);
            hy = labs(dy - sy);
            if (dc / (size_t)c->cores_per_chip != schip) p->far[a]++;
          }
          ej += c->e_spike + (double)hx * c->e_hop_x + (double)hy * c->e_hop_y;
          ts += c->t_spike + (double)hx * c->t_hop_x + (double)hy * c->t_hop_y;
        }
      }
      p->route_j[a] = ej;
      p->route_s[a] = ts;
      if (on_chip) m->core_out[p->core[a]] += p->dest[a];
    }
  }
  free(seen);
  free(gid0);
  free(mark);
  return 0;
oom:
  free(gid0);
  free(mark);
  return -1;
}

/* Place, then check the routes leaving each core: where a core sends
 * more routes than it has output axons, its population is placed again
 * with fewer neurons per core. */
int nm_map(nm *m) {
  const ap_net *net = m->net;
  const nm_chip *c = &m->chip;
  for (int pass = 0; pass < 12; pass++) {
    if (map_once(m)) return -1;
    int again = 0;
    for (size_t i = 0; i < net->n_pops; i++) {
      nm_pop *p = &m->pops[i];
      if (p->form != AP_LOWER_LIF || !p->v) continue;
      char nb[128];
      nm_pop_name(m, i, nb, sizeof nb);
      for (size_t a = 0; a < p->n; a++)
        if (p->dest[a] > (uint64_t)c->fanout_per_neuron) {
          nm_refuse(m, "%s: neuron %zu sends to %u cores; a %s neuron "
                    "reaches at most %ld (it would need relay neurons)", nb,
                    a + 1, p->dest[a], c->name, c->fanout_per_neuron);
          return 0;
        }
      uint64_t worst = 0;
      size_t at = p->core0;
      for (size_t k = p->core0; k < p->core0 + p->n_cores; k++)
        if (m->core_out[k] > worst) worst = m->core_out[k], at = k;
      if (worst <= (uint64_t)c->fanout_per_core) continue;
      size_t held = 0;
      for (size_t a = 0; a < p->n; a++) held += p->core[a] == at;
      size_t fit = (size_t)((double)held * (double)c->fanout_per_core /
                            (double)worst);
      if (pass == 11 || fit < 1) {
        nm_refuse(m, "%s: core %zu sends %llu routes (neuron, destination "
                  "core); a %s core has %ld output axons", nb, at + 1,
                  (unsigned long long)worst, c->name, c->fanout_per_core);
        return 0;
      }
      p->per_core = fit;
      again = 1;
    }
    if (!again) return 0;
  }
  return 0;
}
