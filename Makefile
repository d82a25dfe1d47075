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
	libglib2.0-dev libssl-dev libpsl-dev libxml2-dev libedit-dev \
	libcriterion-dev libarchive-tools sqlite3 python3 zstd xz-utils bzip2 cpio \
	tmux poppler-utils libreoffice-calc-nogui clang libclang-rt-14-dev time tzdata
PKGS := gmime-3.0 libarchive sqlite3 xlsxwriter cairo pangocairo glib-2.0 \
	gio-2.0 libcrypto libpsl libxml-2.0 libedit
TEST_PKGS := criterion

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
TEST_CFLAGS := $(shell pkg-config --cflags $(TEST_PKGS) 2>/dev/null)
TEST_LIBS := $(shell pkg-config --libs $(TEST_PKGS) 2>/dev/null)

CFLAGS ?= -O2 -g
WARN := -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers
ALL_CFLAGS := -std=gnu11 $(WARN) -D_GNU_SOURCE -DWB_VERSION='"$(VERSION)"' \
	-I. -Ievidence -Ireports -Iworkbench -I$(B) $(PKG_CFLAGS) $(CFLAGS) $(EXTRA_CFLAGS)
LDLIBS := $(PKG_LIBS) -lm -lpthread $(EXTRA_LDFLAGS)

EVIDENCE_SRC := $(wildcard evidence/*.c)
REPORTS_SRC := $(wildcard reports/*.c)
WB_SRC := $(filter-out workbench/main.c,$(wildcard workbench/*.c))
GEN_SRC := $(B)/schema-sql.c $(B)/templates-data.c
LIB_OBJ := $(patsubst %.c,$(B)/obj/%.o,$(EVIDENCE_SRC) $(REPORTS_SRC) $(WB_SRC)) \
	$(patsubst $(B)/%.c,$(B)/obj/%.o,$(GEN_SRC))
UNIT_SRC := $(wildcard tests/unit/test-*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRC))
TOOL_SRC := $(wildcard tests/tools/*.c)
TOOL_BIN := $(patsubst tests/tools/%.c,$(B)/tools/%,$(TOOL_SRC))
TEMPLATE_FILES := $(sort $(wildcard templates/*/*.ini templates/*/*.txt templates/*/*.conf))

.PHONY: all check demo bench install deps print-deb-packages clean unit tools fuzz fuzz-harnesses check-asan

BIN ?= $(B)/workbench

all: $(BIN)

$(BIN): $(B)/obj/workbench/main.o $(B)/libwb.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) -o $@ $^ $(LDLIBS)

$(B)/libwb.a: $(LIB_OBJ)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(B)/obj/%.o: %.c $(wildcard */*.h) $(B)/.dir
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/obj/%.o: $(B)/%.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The schema and the templates are compiled into the binary, so a case can
# always be created and a statute set always found, wherever it is installed.
$(B)/schema-sql.c: evidence/schema.sql .ci/embed.sh $(B)/.dir
	$(Q)sh .ci/embed.sh wb_schema_sql evidence/schema.sql > $@

$(B)/templates-data.c: $(TEMPLATE_FILES) .ci/embed.sh $(B)/.dir
	$(Q)sh .ci/embed.sh --table wb_templates $(TEMPLATE_FILES) > $@

$(B)/.dir:
	$(Q)mkdir -p $(B) && touch $@

$(B)/tests/%: tests/unit/%.c $(B)/libwb.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(TEST_CFLAGS) -o $@ $< $(B)/libwb.a $(LDLIBS) $(TEST_LIBS)

$(B)/tools/%: tests/tools/%.c $(B)/libwb.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(B)/libwb.a $(LDLIBS)

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

check: deps
	@$(MAKE) --no-print-directory all unit tools
	@sh tests/run.sh

check-asan: deps
	@$(MAKE) --no-print-directory B=build-asan CC=clang \
		CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
		EXTRA_LDFLAGS="-fsanitize=address,undefined" BIN=build-asan/workbench all unit tools
	@WB_BUILD=build-asan WB=$(CURDIR)/build-asan/workbench \
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
		build-fuzz/libwb.a fuzz-harnesses
	@sh tests/fuzz/run.sh

fuzz-harnesses: $(patsubst tests/fuzz/%.c,$(B)/%,$(FUZZ_SRC))

$(B)/fuzz-%: tests/fuzz/fuzz-%.c $(B)/libwb.a
	@$(if $(Q),echo "  FUZZ    $@")
	$(Q)$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -o $@ $< $(B)/libwb.a $(LDLIBS) $(FUZZ_SAN)

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/workbench
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/workbench
	cp -r templates $(DESTDIR)$(PREFIX)/share/workbench/

clean:
	rm -rf build build-asan build-fuzz
