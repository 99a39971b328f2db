# plugins/rules/pes/: the rule plugin pes (the NEF's PES).
pkglib_LTLIBRARIES += plugins/rules/pes/pes.la
plugins_rules_pes_pes_la_SOURCES = plugins/rules/pes/pes.c
plugins_rules_pes_pes_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_rules_pes_pes_la_LIBADD = -lm
