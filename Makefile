# engine — build, test, install.  `make help` lists the targets.
#
# The binary is build/engine: the top-level name "engine" is the source
# folder (DESIGN.md fixes the layout), so the program cannot live beside it.

CC      ?= cc
PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
PKGS    := lua5.4 libutf8proc sqlite3
TESTPKG := cmocka

OPT       ?= -O2
SANITIZE  ?=
CFLAGS    ?=
CFLAGS    += -std=c11 $(OPT) -g -Wall -Wextra -Wshadow -Wstrict-prototypes \
             -D_DEFAULT_SOURCE -D_GNU_SOURCE -pthread $(SANITIZE)
LDFLAGS   += -pthread $(SANITIZE)

DEPS_STAMP := $(BUILD)/.deps-ok
PKG_CFLAGS  = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS    = $(LUA_LIBS) $(shell pkg-config --libs $(filter-out lua5.4,$(PKGS)) 2>/dev/null) -lm
# Lua from the archive the same Debian package ships, where it is there:
# the shared library is reached through the PLT and the GOT at every API
# call and every global it reads, which cost 1.6% of a run's instructions.
LUA_A       = $(wildcard $(shell pkg-config --variable=libdir lua5.4 2>/dev/null)/liblua5.4.a)
LUA_LIBS    = $(if $(LUA_A),$(LUA_A) -ldl,$(shell pkg-config --libs lua5.4 2>/dev/null))
TEST_CFLAGS = $(shell pkg-config --cflags $(TESTPKG) 2>/dev/null)
TEST_LIBS   = $(shell pkg-config --libs $(TESTPKG) 2>/dev/null)

LIB_SRC  := $(filter-out engine/main.c,$(wildcard engine/*.c))
LIB_OBJ  := $(LIB_SRC:engine/%.c=$(BUILD)/obj/%.o)
MAIN_OBJ := $(BUILD)/obj/main.o
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
# test_json and test_find again against the JSON writer's and the
# substring search's portable paths, which machines with SSE2 (every
# x86-64) never build otherwise
UNIT_BIN += $(BUILD)/tests/test_json_portable $(BUILD)/tests/test_find_portable
BIN      := $(BUILD)/engine

.PHONY: all deps test unit e2e packs asan fuzz demo install uninstall clean help
.DELETE_ON_ERROR:

all: $(BIN)

help:
	@echo "make            build $(BIN) (installs missing Debian packages first)"
	@echo "make demo       build and run the rules on the bundled sample article"
	@echo "make test       build and run every test (cmocka unit tests, end-to-end tests)"
	@echo "make asan       the same tests under AddressSanitizer + UBSan (build-asan/)"
	@echo "make fuzz       libFuzzer harnesses, FUZZ_SECONDS each (default 60)"
	@echo "make install    install to \$$DESTDIR\$$PREFIX/bin (PREFIX=$(PREFIX))"

# Dependencies come from the system; scripts/install-deps installs the
# Debian packages pkg-config cannot find (vendor/debian-packages pins them).
deps: $(DEPS_STAMP)
$(DEPS_STAMP): scripts/install-deps vendor/debian-packages
	@scripts/install-deps
	@mkdir -p $(@D) && touch $@

$(BUILD)/obj/%.o: engine/%.c $(wildcard engine/*.h) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -c $< -o $@

$(BUILD)/lib.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(MAIN_OBJ) $(BUILD)/lib.a
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/lib.a $(wildcard tests/unit/*.h)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) $(TEST_CFLAGS) -Iengine -o $@ $< \
	    $(BUILD)/lib.a $(LDFLAGS) $(PKG_LIBS) $(TEST_LIBS)

# The module built without SSE2 comes before lib.a, whose copy is not linked.
$(BUILD)/tests/test_json_portable: engine/json_write.c
$(BUILD)/tests/test_find_portable: engine/find.c
$(BUILD)/tests/test_%_portable: tests/unit/test_%.c $(BUILD)/lib.a $(wildcard engine/*.h)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -U__SSE2__ $(PKG_CFLAGS) $(TEST_CFLAGS) -Iengine -o $@ $< $(filter engine/%.c,$^) \
	    $(BUILD)/lib.a $(LDFLAGS) $(PKG_LIBS) $(TEST_LIBS)

test: unit e2e packs

unit: $(UNIT_BIN)
	@scripts/run-unit-tests $(UNIT_BIN)

e2e: $(BIN)
	@ENGINE=$(BIN) SANITIZED=$(if $(SANITIZE),1,) tests/e2e/run

# Each rule pack's own tests (rules/*/tests), through the real binary.
packs: $(BIN)
	@$(BIN) test rules/

asan:
	$(MAKE) BUILD=build-asan OPT=-O1 \
	    SANITIZE="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	    test

FUZZ_SECONDS ?= 60
fuzz: | $(DEPS_STAMP)
	@scripts/fuzz/run $(FUZZ_SECONDS)

demo: $(BIN)
	$(BIN) run rules/ --date 2024-12-15 tests/fixtures/sample-zh.txt

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/engine

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/engine

clean:
	rm -rf build build-asan build-fuzz
