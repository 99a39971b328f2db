# Build and test the @KIND@ plugin @NAME@ against an installed apical,
# found by pkg-config (set PKG_CONFIG_PATH if apical is installed in a
# prefix pkg-config does not search).
#   make          build @NAME@.so
#   make test     check it (apical check-plugin) and run test_@NAME@.lua
#   make install  copy it to apical's plugin folder (may need root)
CC ?= cc
CFLAGS ?= -O2 -g
APICAL ?= apical
PKG_CONFIG ?= pkg-config
APICAL_CFLAGS := $(shell $(PKG_CONFIG) --cflags apical)
PLUGINDIR := $(shell $(PKG_CONFIG) --variable=plugindir apical)
RUN = APICAL_PLUGIN_PATH="$(CURDIR)$${APICAL_PLUGIN_PATH:+:$$APICAL_PLUGIN_PATH}"

all: @NAME@.so

@NAME@.so: @NAME@.c
	$(CC) -std=gnu11 -shared -fPIC -fvisibility=hidden -Wall -Wextra \
	  $(CFLAGS) $(APICAL_CFLAGS) @NAME@.c -o $@ -lm

test: @NAME@.so
	$(RUN) $(APICAL) check-plugin ./@NAME@.so
	$(RUN) $(APICAL) run test_@NAME@.lua -q

install: @NAME@.so
	install -m 755 @NAME@.so "$(DESTDIR)$(PLUGINDIR)/@NAME@.so"

clean:
	rm -f @NAME@.so

.PHONY: all test install clean
