/* ldataset.c -- ap.dataset and the Dataset type (IDX files: MNIST,
 * Fashion-MNIST). */
#include "lua/lauxap.h"

#include <lauxlib.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static lds *check_ds(lua_State *L, int i) {
  lds *d = luaL_checkudata(L, i, DS_MT);
  if (!d->ds) lap_lerror(L, "the data set was closed");
  return d;
}

/* A new Dataset userdata for the files: made before the files are read,
 * so that it owns them from the start (lap_lerror longjmps). */
static int open_dataset(lua_State *L, const char *images, const char *labels) {
  lds *d = lua_newuserdatauv(L, sizeof *d, 0);
  d->ds = NULL;
  luaL_setmetatable(L, DS_MT);
  char err[1024];
  d->ds = ap_dataset_open(images, labels, err, sizeof err);
  if (!d->ds) return lap_lerror(L, "ap.dataset: %s", err);
  return 1;
}

/* The named sets and the setting that says where each lives. */
static const struct named_set {
  const char *name, *setting;
  const char *package; /* the Debian package that installs it, or NULL */
} named_sets[] = {
    {"fashion", "fashion_dir", "dataset-fashion-mnist"},
    {"mnist", "mnist_dir", NULL},
};
#define N_NAMED_SETS (sizeof named_sets / sizeof *named_sets)

static int is_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && !S_ISDIR(st.st_mode);
}

/* DIR/BASE.gz if it exists, else DIR/BASE if it exists (pushed on the
 * stack), else NULL (nothing pushed). */
static const char *find_idx(lua_State *L, const char *dir, const char *base) {
  const char *gz = lua_pushfstring(L, "%s/%s.gz", dir, base);
  if (is_file(gz)) return gz;
  lua_pop(L, 1);
  const char *plain = lua_pushfstring(L, "%s/%s", dir, base);
  if (is_file(plain)) return plain;
  lua_pop(L, 1);
  return NULL;
}

/* ap.dataset("fashion" | "mnist", "train" | "test") */
static int named_dataset(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  const char *split = luaL_checkstring(L, 2);
  const struct named_set *set = NULL;
  for (size_t i = 0; i < N_NAMED_SETS; i++)
    if (strcmp(name, named_sets[i].name) == 0) set = &named_sets[i];
  if (!set) {
    const char *cand[N_NAMED_SETS];
    for (size_t i = 0; i < N_NAMED_SETS; i++) cand[i] = named_sets[i].name;
    const char *close = ap_closest(name, cand, N_NAMED_SETS);
    return lap_lerror(L, "ap.dataset: unknown data set '%s'%s%s%s; named sets: "
                  "fashion, mnist; other IDX files: ap.dataset{ images = "
                  "path, labels = path }", name,
                  close ? " (did you mean '" : "", close ? close : "",
                  close ? "'?)" : "");
  }
  const char *prefix = strcmp(split, "train") == 0  ? "train"
                       : strcmp(split, "test") == 0 ? "t10k"
                                                    : NULL;
  if (!prefix)
    return lap_lerror(L, "ap.dataset: the %s set has the splits \"train\" and "
                  "\"test\", not '%s'", name, split);

  ap_settings *st = ap_sim_settings(lap_get_state(L)->sim);
  const char *dir = strcmp(set->setting, "fashion_dir") == 0 ? st->fashion_dir
                                                              : st->mnist_dir;
  char images[64], labels[64], remedy[512];
  ap_fmt(images, sizeof images, "%s-images-idx3-ubyte", prefix);
  ap_fmt(labels, sizeof labels, "%s-labels-idx1-ubyte", prefix);
  /* What to do about a missing set, said the same way in every case. */
  ap_fmt(remedy, sizeof remedy, "%s%s%sset %s to the folder that holds "
         "%s.gz (--set %s=DIR, ap.setup{ %s = DIR } or the config file)",
         set->package ? "install the Debian package " : "",
         set->package ? set->package : "", set->package ? ", or " : "",
         set->setting, images, set->setting, set->setting);
  if (!dir || !dir[0])
    return lap_lerror(L, "ap.dataset: no folder is configured for the %s set; "
                  "%s", name, remedy);
  struct stat sb;
  int exists = stat(dir, &sb) == 0;
  if (!exists || !S_ISDIR(sb.st_mode))
    return lap_lerror(L, "ap.dataset: no %s set: the folder '%s' (setting %s) "
                  "%s; %s", name, dir, set->setting,
                  exists ? "is not a folder" : "does not exist", remedy);
  const char *img = find_idx(L, dir, images);
  if (!img)
    return lap_lerror(L, "ap.dataset: no %s %s set in '%s' (setting %s): "
                  "neither %s.gz nor %s is there; %s", name, split, dir,
                  set->setting, images, images, remedy);
  const char *lab = find_idx(L, dir, labels);
  if (!lab)
    return lap_lerror(L, "ap.dataset: the %s %s set in '%s' (setting %s) has "
                  "images but neither %s.gz nor %s", name, split, dir,
                  set->setting, labels, labels);
  return open_dataset(L, img, lab);
}

/* ap.dataset{ images = path [, labels = path] } or ap.dataset(name, split) */
static int l_dataset(lua_State *L) {
  if (lua_type(L, 1) == LUA_TSTRING) return named_dataset(L);
  if (lua_type(L, 1) != LUA_TTABLE)
    return lap_lerror(L, "ap.dataset: give { images = path [, labels = path] } "
                  "or a named set and a split, such as (\"fashion\", "
                  "\"train\"); got a %s", luaL_typename(L, 1));
  static const char *const keys[] = {"images", "labels", NULL};
  lap_check_keys(L, 1, keys, "ap.dataset options");
  if (lua_getfield(L, 1, "images") != LUA_TSTRING)
    return lap_lerror(L, "ap.dataset: 'images' must be the path of an IDX image "
                  "file, got a %s", luaL_typename(L, -1));
  const char *images = lua_tostring(L, -1);
  const char *labels = NULL;
  int ty = lua_getfield(L, 1, "labels");
  if (ty == LUA_TSTRING) labels = lua_tostring(L, -1);
  else if (ty != LUA_TNIL)
    return lap_lerror(L, "ap.dataset: 'labels' must be the path of an IDX label "
                  "file, got a %s", luaL_typename(L, -1));
  return open_dataset(L, images, labels);
}

/* The 0-based index of the 1-based argument i, checked against the set. */
static size_t ds_index(lua_State *L, const ap_dataset *ds, int i,
                       const char *what) {
  lua_Integer k = luaL_checkinteger(L, i);
  size_t n = ap_dataset_count(ds);
  if (k < 1 || (lua_Unsigned)k > n)
    lap_lerror(L, "%s: index %lld is outside 1..%zu", what, (long long)k, n);
  return (size_t)k - 1;
}

static const ap_dataset *labelled(lua_State *L, int i, const char *what) {
  const ap_dataset *ds = check_ds(L, i)->ds;
  if (!ap_dataset_has_labels(ds))
    lap_lerror(L, "%s: this data set has no labels (open it with ap.dataset{ "
           "images = ..., labels = ... })", what);
  return ds;
}

static int ds_count(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)ap_dataset_count(check_ds(L, 1)->ds));
  return 1;
}

static int ds_rows(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)ap_dataset_rows(check_ds(L, 1)->ds));
  return 1;
}

static int ds_cols(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)ap_dataset_cols(check_ds(L, 1)->ds));
  return 1;
}

/* ds:image(i [, scale]): pixels / 255 * scale, row after row, so that
 * pop:set{ rate = ds:image(i, 100) } drives one neuron per pixel. */
static int ds_image(lua_State *L) {
  const ap_dataset *ds = check_ds(L, 1)->ds;
  size_t k = ds_index(L, ds, 2, "image");
  double scale = luaL_optnumber(L, 3, 1.0);
  if (!isfinite(scale))
    return lap_lerror(L, "image: the scale must be a finite number, got %g",
                  scale);
  size_t n = ap_dataset_rows(ds) * ap_dataset_cols(ds);
  const uint8_t *px = ap_dataset_image(ds, k);
  lua_createtable(L, n < INT_MAX ? (int)n : 0, 0);
  for (size_t j = 0; j < n; j++) {
    lua_pushnumber(L, (double)px[j] / 255.0 * scale);
    lua_rawseti(L, -2, (lua_Integer)j + 1);
  }
  return 1;
}

static int ds_label(lua_State *L) {
  const ap_dataset *ds = labelled(L, 1, "label");
  size_t k = ds_index(L, ds, 2, "label");
  lua_pushinteger(L, ap_dataset_label(ds, k));
  return 1;
}

static int ds_labels(lua_State *L) {
  const ap_dataset *ds = labelled(L, 1, "labels");
  size_t n = ap_dataset_count(ds);
  lua_createtable(L, n < INT_MAX ? (int)n : 0, 0);
  for (size_t j = 0; j < n; j++) {
    lua_pushinteger(L, ap_dataset_label(ds, j));
    lua_rawseti(L, -2, (lua_Integer)j + 1);
  }
  return 1;
}

static int ds_tostring(lua_State *L) {
  const ap_dataset *ds = check_ds(L, 1)->ds;
  const char *path = ap_dataset_images_path(ds);
  const char *slash = strrchr(path, '/');
  lua_pushfstring(L, "Dataset %I images %Ix%I (%s)",
                  (lua_Integer)ap_dataset_count(ds),
                  (lua_Integer)ap_dataset_rows(ds),
                  (lua_Integer)ap_dataset_cols(ds), slash ? slash + 1 : path);
  return 1;
}

static int ds_gc(lua_State *L) {
  lds *d = luaL_checkudata(L, 1, DS_MT);
  ap_dataset_free(d->ds);
  d->ds = NULL;
  return 0;
}

const luaL_Reg lap_ds_funcs[] = {
    {"dataset", l_dataset},
    {NULL, NULL}};

static const luaL_Reg ds_meta[] = {{"__len", ds_count},
                                   {"__tostring", ds_tostring},
                                   {"__gc", ds_gc},
                                   {NULL, NULL}};
static const luaL_Reg ds_methods[] = {
    {"count", ds_count}, {"rows", ds_rows},   {"cols", ds_cols},
    {"image", ds_image}, {"label", ds_label}, {"labels", ds_labels},
    {NULL, NULL}};

void lap_ds_open(lua_State *L) {
  lap_make_meta(L, DS_MT, ds_meta, ds_methods);
}
