/* plugin_err.h -- the sentence a plugin writes into the host's error
 * buffer (prepare(), shape()), shared by the in-tree plugins of every kind
 * (included by their sources; each plugin is its own shared object). */
#ifndef AP_PLUGIN_ERR_H
#define AP_PLUGIN_ERR_H
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* printf into err (size bytes, truncated), nothing when err is NULL. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static inline void set_err(char *err, size_t size, const char *fmt, ...) {
  if (!err || !size) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, size, fmt, ap);
  va_end(ap);
}
#endif
