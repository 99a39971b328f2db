# docs/: the user guide, installed under $(docdir) (PREFIX/share/doc/apical)
# and distributed.  Included from the top Makefile.am; paths from the top
# dir.
dist_doc_DATA = \
	docs/index.md \
	docs/architecture.md \
	docs/lua-api.md \
	docs/writing-plugins.md \
	docs/config.md \
	docs/experiments.md \
	docs/performance.md \
	docs/neuromorphic.md \
	docs/tutorial.md \
	docs/nef.md \
	docs/distributed.md docs/reliability.md

# Runs every complete Lua example (and compiles every plugin listing) of
# the documents: docs/run-examples.sh, with APICAL naming the program.
EXTRA_DIST += docs/run-examples.sh

# The manual page; its sections are the topics of `apical help`
# (tests/e2e/help.sh keeps the two in step).
dist_man1_MANS = docs/apical.1
