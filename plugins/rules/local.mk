# plugins/rules/local.mk: learning-rule plugins (see
# docs/writing-plugins.md), one folder and one libtool module each.
# Included from plugins/local.mk; paths from the top dir.

pkglib_LTLIBRARIES += plugins/rules/stdp/stdp.la
plugins_rules_stdp_stdp_la_SOURCES = plugins/rules/stdp/stdp.c \
	plugins/rules/rule_checks.h
plugins_rules_stdp_stdp_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_rules_stdp_stdp_la_LIBADD = -lm

pkglib_LTLIBRARIES += plugins/rules/stdp_triplet/stdp_triplet.la
plugins_rules_stdp_triplet_stdp_triplet_la_SOURCES = \
	plugins/rules/stdp_triplet/stdp_triplet.c plugins/rules/rule_checks.h
plugins_rules_stdp_triplet_stdp_triplet_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_rules_stdp_triplet_stdp_triplet_la_LIBADD = -lm

pkglib_LTLIBRARIES += plugins/rules/stdp_dopamine/stdp_dopamine.la
plugins_rules_stdp_dopamine_stdp_dopamine_la_SOURCES = \
	plugins/rules/stdp_dopamine/stdp_dopamine.c
plugins_rules_stdp_dopamine_stdp_dopamine_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_rules_stdp_dopamine_stdp_dopamine_la_LIBADD = -lm

pkglib_LTLIBRARIES += plugins/rules/guerguiev/guerguiev.la
plugins_rules_guerguiev_guerguiev_la_SOURCES = \
	plugins/rules/guerguiev/guerguiev.c plugins/plugin_err.h \
	plugins/neurons/segregated_dendrite/segregated_dendrite.h
# its update at a phase's end is an outer product over every weight
plugins_rules_guerguiev_guerguiev_la_CFLAGS = $(AM_CFLAGS) $(VEC_CFLAGS)
plugins_rules_guerguiev_guerguiev_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_rules_guerguiev_guerguiev_la_LIBADD = -lm

pkglib_LTLIBRARIES += plugins/rules/urbanczik/urbanczik.la
plugins_rules_urbanczik_urbanczik_la_SOURCES = \
	plugins/rules/urbanczik/urbanczik.c
plugins_rules_urbanczik_urbanczik_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_rules_urbanczik_urbanczik_la_LIBADD = -lm
