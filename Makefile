# Workbench: litigation damages and evidence analysis for anti-spam cases.
# A plain Makefile on pkg-config.  Quiet unless V=1.
#
#   make            build ./workbench
#   make check      install missing packages, build, run every test
#   make demo       install missing packages, build, run the sample case
#   make bench      throughput benchmarks (tests/bench/)
#   make install PREFIX=/usr/local

PREFIX ?= /usr/local
VERSION := 0.1.0
CC ?= cc
V ?= 0
Q := $(if $(filter 1,$(V)),,@)
B := build

# Debian packages the build, the tests and the demo need.  .ci/run installs
# them with 'make -s print-deb-packages'; 'make deps' installs what is missing.
DEB_PACKAGES := gcc make pkg-config libgmime-3.0-dev libarchive-dev \
	libsqlite3-dev libxlsxwriter-dev libcairo2-dev libpango1.0-dev \
	libglib2.0-dev libssl-dev libpsl-dev libxml2-dev libedit-dev libzstd-dev \
	libcriterion-dev libarchive-tools sqlite3 python3 zstd xz-utils bzip2 cpio \
	tmux poppler-utils libreoffice-calc-nogui clang libclang-rt-14-dev time tzdata \
	groff-base man-db libgoogle-perftools-dev
PKGS := gmime-3.0 libarchive sqlite3 xlsxwriter cairo pangocairo glib-2.0 \
	gio-2.0 libcrypto libpsl libxml-2.0 libedit libzstd
TEST_PKGS := criterion

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
TEST_CFLAGS := $(shell pkg-config --cflags $(TEST_PKGS) 2>/dev/null)
TEST_LIBS := $(shell pkg-config --libs $(TEST_PKGS) 2>/dev/null)

CFLAGS ?= -O2 -g
WARN := -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers
BASE_CFLAGS := -std=gnu11 $(WARN) -D_GNU_SOURCE -DWB_VERSION='"$(VERSION)"' \
	$(PKG_CFLAGS) $(CFLAGS) $(EXTRA_CFLAGS)
LDLIBS := $(PKG_LIBS) -lm -lpthread $(EXTRA_LDFLAGS)

# The program's allocator: tcmalloc (gperftools), whose per-thread caches
# serve ingest's parse workers and writer, which allocate and free millions
# of small blocks across threads, in about 12% less CPU than glibc's malloc
# (measured in evidence/README.md).  The sanitizer build (check-asan) has
# its own allocator and sets MALLOC_LIB empty; so can anyone building
# without gperftools.  Only the program links it: the unit tests and tools
# keep the C library's malloc.
MALLOC_LIB ?= $(shell pkg-config --libs libtcmalloc_minimal 2>/dev/null)

# Four layers, each an archive compiled with the include paths of itself and
# the layers below it only, so an include from a higher layer into a lower
# one does not compile (tests/cli/t-layers.sh proves it):
#   evidence/          ingest, analysis, the case store (and the embedded
#                      schema and templates)
#   workbench/engine/  statutes, rules, damages, attribution, output formats
#   reports/           the exhibits: xlsx, charts, PDF, manifest
#   workbench/cli/     the program: commands, the shell, main()
EVIDENCE_INC := -Ievidence
ENGINE_INC := $(EVIDENCE_INC) -Iworkbench/engine
REPORTS_INC := $(ENGINE_INC) -Ireports
CLI_INC := $(REPORTS_INC) -Iworkbench/cli
# Tests, tools and fuzz harnesses see every layer.
ALL_CFLAGS := $(BASE_CFLAGS) $(CLI_INC)

GEN_SRC := $(B)/schema-sql.c $(B)/templates-data.c
EVIDENCE_OBJ := $(patsubst %.c,$(B)/obj/%.o,$(wildcard evidence/*.c)) \
	$(patsubst $(B)/%.c,$(B)/obj/%.o,$(GEN_SRC))
ENGINE_OBJ := $(patsubst %.c,$(B)/obj/%.o,$(wildcard workbench/engine/*.c))
REPORTS_OBJ := $(patsubst %.c,$(B)/obj/%.o,$(wildcard reports/*.c))
# workbench.c holds main(); the rest of the program is a library the tests link.
CLI_OBJ := $(patsubst %.c,$(B)/obj/%.o,$(filter-out workbench/cli/workbench.c,$(wildcard workbench/cli/*.c)))
$(EVIDENCE_OBJ): LAYER_INC := $(EVIDENCE_INC)
$(ENGINE_OBJ): LAYER_INC := $(ENGINE_INC)
$(REPORTS_OBJ): LAYER_INC := $(REPORTS_INC)
$(CLI_OBJ) $(B)/obj/workbench/cli/workbench.o: LAYER_INC := $(CLI_INC)
# Highest layer first, as the linker wants them.
LIBS := $(B)/libcli.a $(B)/libreports.a $(B)/libengine.a $(B)/libevidence.a
HEADERS := $(wildcard evidence/*.h workbench/*/*.h reports/*.h)
UNIT_SRC := $(wildcard tests/unit/test-*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRC))
UNIT_HDR := $(wildcard tests/unit/*.h)
TOOL_SRC := $(wildcard tests/tools/*.c)
TOOL_BIN := $(patsubst tests/tools/%.c,$(B)/tools/%,$(TOOL_SRC))
TEMPLATE_FILES := $(sort $(wildcard templates/*/*.ini templates/*/*.txt templates/*/*.conf))

.PHONY: all check demo bench install deps print-deb-packages print-layer-cc clean unit tools fuzz fuzz-harnesses check-asan

BIN ?= $(B)/workbench
# workbench(1), made from the command table and each command's option table
# (workbench/cli/man/gen-man.c), so it names every command and option.
MAN := $(B)/workbench.1

all: $(BIN) $(MAN)

$(BIN): $(B)/obj/workbench/cli/workbench.o $(LIBS)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) -o $@ $^ $(LDLIBS) $(MALLOC_LIB)

$(B)/tools/gen-man: workbench/cli/man/gen-man.c $(LIBS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(BASE_CFLAGS) $(CLI_INC) -o $@ $< $(LIBS) $(LDLIBS)

$(MAN): $(B)/tools/gen-man
	@$(if $(Q),echo "  MAN     $@")
	$(Q)$(B)/tools/gen-man > $@.tmp && mv $@.tmp $@

$(B)/libevidence.a: $(EVIDENCE_OBJ)
$(B)/libengine.a: $(ENGINE_OBJ)
$(B)/libreports.a: $(REPORTS_OBJ)
$(B)/libcli.a: $(CLI_OBJ)
$(LIBS):
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(B)/obj/%.o: %.c $(HEADERS) $(B)/.dir
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(BASE_CFLAGS) $(LAYER_INC) -c -o $@ $<

$(B)/obj/%.o: $(B)/%.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(BASE_CFLAGS) $(LAYER_INC) -c -o $@ $<

# The compiler command for one layer's sources (LAYER=evidence, engine,
# reports or cli), for tests/cli/t-layers.sh.
print-layer-cc:
	@echo $(CC) $(BASE_CFLAGS) $($(shell echo $(LAYER) | tr a-z A-Z)_INC)

# The schema and the templates are compiled into the binary, so a case can
# always be created and a statute set always found, wherever it is installed.
$(B)/schema-sql.c: evidence/schema.sql .ci/embed.sh $(B)/.dir
	$(Q)sh .ci/embed.sh wb_schema_sql evidence/schema.sql > $@

$(B)/templates-data.c: $(TEMPLATE_FILES) .ci/embed.sh $(B)/.dir
	$(Q)sh .ci/embed.sh --table wb_templates $(TEMPLATE_FILES) > $@

$(B)/.dir:
	$(Q)mkdir -p $(B) && touch $@

# The unit tests' own code is compiled without optimisation (the last -O
# given wins): it only calls the library, compiled as CFLAGS says, and
# the optimiser was two thirds of the time to compile a test under the
# sanitizers (Criterion's macros make large functions).  The sanitizers
# instrument it the same at -O0.
UNIT_OPT ?= -O0
$(B)/tests/%: tests/unit/%.c $(UNIT_HDR) $(LIBS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(TEST_CFLAGS) $(UNIT_OPT) -o $@ $< $(LIBS) $(LDLIBS) $(TEST_LIBS)

$(B)/tools/%: tests/tools/%.c $(UNIT_HDR) $(LIBS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(LIBS) $(LDLIBS)

# LD_PRELOAD shims for fault injection (tests/shim/*.c, e.g. disk full).
SHIM_SRC := $(wildcard tests/shim/*.c)
SHIM_SO := $(patsubst tests/shim/%.c,$(B)/tools/%.so,$(SHIM_SRC))

$(B)/tools/%.so: tests/shim/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) -std=gnu11 -O2 -fPIC -shared -o $@ $< -ldl

unit: $(UNIT_BIN)
tools: $(TOOL_BIN) $(SHIM_SO)

# 'deps' runs first and alone: the build's pkg-config flags are read when make
# starts, so check and demo call make again once the packages are there.
deps:
	@sh .ci/deps.sh $(PKGS) $(TEST_PKGS) -- $(DEB_PACKAGES)

print-deb-packages:
	@echo $(DEB_PACKAGES)

# check and check-asan build on every processor unless make was given -j
# (then its jobs are shared as asked).
NPROC := $(shell nproc 2>/dev/null || echo 1)
CHECK_J = $(if $(findstring -j,$(MAKEFLAGS)),,-j$(NPROC))

check: deps
	@$(MAKE) --no-print-directory $(CHECK_J) all unit tools
	@sh tests/run.sh

# Under the sanitizers everything costs 10 to 150 times more.  The scripts
# that work at corpus scale (t-ingest-corpus, t-analysis-email, t-kill,
# t-ingest-resume, t-hostile's big messages, the cases the upgrade tests
# kill mid-upgrade) take a tenth of it there
# (WB_SAMPLE=10; each keeps the least its check needs): the
# code paths are the same at any size, and the plain run, 'make check',
# checks the figures of the whole corpus.  LibreOffice's recalculation and
# printing of the workbook check the workbook, not our memory, and cost
# minutes: they run in the plain run only (WB_NO_SOFFICE=1 skips them here,
# counted as skipped).
ASAN_SAMPLE ?= 10
check-asan: deps
	@$(MAKE) --no-print-directory $(CHECK_J) B=build-asan CC=clang MALLOC_LIB= \
		CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
		EXTRA_LDFLAGS="-fsanitize=address,undefined" BIN=build-asan/workbench all unit tools
	@WB_BUILD=build-asan WB=$(CURDIR)/build-asan/workbench WB_SAMPLE=$(ASAN_SAMPLE) WB_NO_SOFFICE=1 \
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 UBSAN_OPTIONS=print_stacktrace=1 sh tests/run.sh

demo: deps
	@$(MAKE) --no-print-directory all tools
	@sh tests/demo.sh

bench: deps
	@$(MAKE) --no-print-directory all tools
	@sh tests/bench/run.sh

# libFuzzer harnesses (tests/fuzz/fuzz-*.c) over an ASan/UBSan build of the
# library: 'make fuzz FUZZ_SECONDS=N' runs each for N seconds.
FUZZ_SRC := $(wildcard tests/fuzz/fuzz-*.c)
FUZZ_SAN := -fsanitize=address,undefined -fno-omit-frame-pointer
fuzz: deps
	@$(MAKE) --no-print-directory B=build-fuzz CC=clang \
		CFLAGS="-O1 -g $(FUZZ_SAN) -fsanitize=fuzzer-no-link" BIN=build-fuzz/workbench \
		fuzz-harnesses
	@sh tests/fuzz/run.sh

fuzz-harnesses: $(patsubst tests/fuzz/%.c,$(B)/%,$(FUZZ_SRC))

$(B)/fuzz-%: tests/fuzz/fuzz-%.c $(UNIT_HDR) $(LIBS)
	@$(if $(Q),echo "  FUZZ    $@")
	$(Q)$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -o $@ $< $(LIBS) $(LDLIBS) $(FUZZ_SAN)

install: $(BIN) $(MAN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/workbench \
		$(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/workbench
	install -m 644 $(MAN) $(DESTDIR)$(PREFIX)/share/man/man1/workbench.1
	cp -r templates $(DESTDIR)$(PREFIX)/share/workbench/

clean:
	rm -rf build build-asan build-fuzz
