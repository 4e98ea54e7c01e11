# mailsuite build.  Conventions (so that components never edit this file):
#   <folder>/NAME.main.cc   is the main() of program NAME  -> build/bin/NAME
#   <folder>/*.cc           (the rest) form build/<folder>/lib<folder>.a
#   lib/*.cc                form build/lib/liblib.a, linked into everything
#   tests/unit/*.cc         one Catch2 binary build/tests/unit-tests
#   tests/fuzz/fuzz_*.cc    libFuzzer targets (make fuzz), built with clang
#   <folder>/DEPS           extra Debian packages for `make deps`
#   <folder>/USES           other folders whose archives its programs link
#   <folder>/PKGS           pkg-config packages (e.g. gmime-3.0): its objects
#                           compile with their cflags, its programs, the unit
#                           tests and the fuzz targets link their libs
# conf-cc, conf-ld and conf-prefix hold the compile line, link line and
# install prefix (first line of each), as in qmail.

SHELL := /bin/bash
CXX_LINE := $(shell head -n1 conf-cc)
LD_LINE := $(shell head -n1 conf-ld)
STATIC_PROGRAMS := $(shell head -n1 conf-static)
PREFIX := $(shell head -n1 conf-prefix)
B := build
SYSLIBS := /usr/lib/libowfat.a -lssl -lcrypto -lcrypt -lidn2 -lunistring
# Static links (conf-static): mk/quiet-static.awk drops only glibc's
# warnings about NSS/dlopen in static programs.
QUIET_STATIC := 2> >(awk -f mk/quiet-static.awk >&2)

NOT_COMPONENTS := tests bench build
COMPONENTS := $(filter-out $(NOT_COMPONENTS) lib,$(patsubst %/,%,$(sort $(dir $(wildcard */*.cc)))))

LIB_SRCS := $(filter-out %.main.cc,$(wildcard lib/*.cc))
LIB_A := $(B)/lib/liblib.a

define component
$(1)_SRCS := $$(filter-out %.main.cc,$$(wildcard $(1)/*.cc))
$(1)_MAINS := $$(wildcard $(1)/*.main.cc)
$(1)_A := $$(if $$($(1)_SRCS),$(B)/$(1)/lib$(1).a)
$(1)_PROGS := $$(patsubst $(1)/%.main.cc,$(B)/bin/%,$$($(1)_MAINS))
$(1)_USES_A := $$(foreach u,$$(shell cat $(1)/USES 2>/dev/null),$(B)/$$(u)/lib$$(u).a)
$(1)_PKGS := $$(shell cat $(1)/PKGS 2>/dev/null)
$(1)_PKG_LIBS := $$(if $$($(1)_PKGS),$$(shell pkg-config --libs $$($(1)_PKGS)))
ALL_PKGS += $$($(1)_PKGS)
$$(if $$($(1)_PKGS),$(B)/$(1)/%.o: CXX_LINE += $$(shell pkg-config --cflags $$($(1)_PKGS)))
PROGRAMS += $$($(1)_PROGS)
ARCHIVES += $$($(1)_A)
$$($(1)_A): $$(patsubst %.cc,$(B)/%.o,$$($(1)_SRCS))
	@mkdir -p $$(@D)
	rm -f $$@ && ar rcs $$@ $$^
$(B)/bin/%: $(B)/$(1)/%.main.o $$($(1)_A) $$($(1)_USES_A) $(LIB_A)
	@mkdir -p $$(@D)
	$(LD_LINE) $$(if $$(filter $$(@F),$(STATIC_PROGRAMS)),-static) -o $$@ $$^ $(SYSLIBS) $$($(1)_PKG_LIBS) $(QUIET_STATIC)
endef

PROGRAMS :=
ALL_PKGS :=
ARCHIVES :=
$(foreach c,$(COMPONENTS) lib,$(eval $(call component,$(c))))
ALL_PKG_LIBS := $(if $(strip $(ALL_PKGS)),$(shell pkg-config --libs $(sort $(ALL_PKGS))))
ALL_PKG_CFLAGS := $(if $(strip $(ALL_PKGS)),$(shell pkg-config --cflags $(sort $(ALL_PKGS))))

UNIT_SRCS := $(wildcard tests/unit/*.cc)
UNIT_BIN := $(B)/tests/unit-tests
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.cc)
FUZZ_BINS := $(patsubst tests/fuzz/%.cc,$(B)/fuzz/%,$(FUZZ_SRCS))

# Keep every object (the .main.o of programs would otherwise count as
# intermediate and be deleted, forcing a relink on every make).
.SECONDARY:

.PHONY: all deps check fresh-check unit integration install fuzz fuzz-run bench run stop clean
.DEFAULT_GOAL := all

all: $(PROGRAMS)

$(B)/%.o: %.cc
	@mkdir -p $(@D)
	$(CXX_LINE) -MMD -MP -c -o $@ $<

$(UNIT_BIN): $(patsubst %.cc,$(B)/%.o,$(UNIT_SRCS)) $(ARCHIVES) $(LIB_A)
	@mkdir -p $(@D)
	$(LD_LINE) -o $@ $(filter %.o,$^) -Wl,--start-group $(ARCHIVES) $(LIB_A) -Wl,--end-group $(SYSLIBS) $(ALL_PKG_LIBS)

deps:
	@tests/install-deps DEPS $(wildcard */DEPS)

unit: $(UNIT_BIN)

# All tests: unit (Catch2) and integration (pytest, real programs); the last
# line is "N passed, N failed".
check: all $(UNIT_BIN)
	@tests/run-all

# make deps && make check of a clean clone of HEAD in a fresh minimal
# Debian 12 root (debootstrap, chroot; as root): tests/fresh-check.
fresh-check:
	@tests/fresh-check

install: all
	@tests/install-tree "$(PREFIX)" $(PROGRAMS)

# libFuzzer targets: each fuzz_X.cc is linked with one archive of every
# non-main source, each compiled once with coverage and sanitizers
# (fuzzer-no-link), so that a second target costs a link, not a rebuild.
FUZZ_FLAGS := -std=c++20 -O1 -g -D_GNU_SOURCE -Ilib -I. $(ALL_PKG_CFLAGS)
FUZZ_CXX := clang++-14 $(FUZZ_FLAGS) -fsanitize=fuzzer,address,undefined
ALL_NONMAIN := $(LIB_SRCS) $(foreach c,$(COMPONENTS),$($(c)_SRCS))
FUZZ_A := $(B)/fuzzobj/libfuzzall.a
$(B)/fuzzobj/%.o: %.cc
	@mkdir -p $(@D)
	clang++-14 $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link,address,undefined -MMD -MP -c -o $@ $<
$(FUZZ_A): $(patsubst %.cc,$(B)/fuzzobj/%.o,$(ALL_NONMAIN))
	rm -f $@ && ar rcs $@ $^
$(B)/fuzz/%: tests/fuzz/%.cc $(FUZZ_A)
	@mkdir -p $(@D)
	$(FUZZ_CXX) -o $@ $< -Wl,--start-group $(FUZZ_A) -Wl,--end-group $(SYSLIBS) $(ALL_PKG_LIBS)
fuzz: $(FUZZ_BINS)
# make fuzz-run FUZZ_SECONDS=600 runs every target for that long.
FUZZ_SECONDS ?= 60
fuzz-run: fuzz
	@for f in $(FUZZ_BINS); do n=$$(basename $$f); mkdir -p $(B)/fuzz/corpus-$$n; \
	  echo "== $$n"; $$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	  $(B)/fuzz/corpus-$$n tests/fuzz/seeds/$$n 2>&1 | grep -E 'stat::number_of_executed_units|ERROR|SUMMARY' || exit 1; done

bench: all
	@bench/run-all

run: deps all
	@service/make-run start

stop:
	@service/make-run stop

clean:
	rm -rf $(B)

-include $(shell find $(B) -name '*.d' 2>/dev/null)

# The install prefix is compiled into lib/paths.o (ProgramPath default).
$(B)/lib/paths.o: conf-prefix
$(B)/lib/paths.o: CXX_LINE += -DMAILSUITE_PREFIX='"$(PREFIX)"'

# The version string (mk/version: git describe, or VERSION) lives in
# build/version.h, rewritten only when the string changes: a new commit
# recompiles lib/version.o alone and relinks the programs.
$(B)/version.h: FORCE
	@mkdir -p $(@D)
	@mk/version $@
.PHONY: FORCE
FORCE:
$(B)/lib/version.o: $(B)/version.h
$(FUZZ_BINS): $(B)/version.h
