# core/net/: the network and what builds it.
core_libapical_core_la_SOURCES += \
	core/net/values.c core/net/values.h \
	core/net/connect.c core/net/connect.h \
	core/net/synbuild.c core/net/share.c core/net/synbuild.h \
	core/net/plastic.c core/net/plastic.h \
	core/net/sim.c core/net/sim.h core/net/sim_int.h \
	core/net/population.c core/net/projection.c core/net/modulator.c \
	core/net/current.c core/net/decoded.c
EXTRA_DIST += core/net/README.md
