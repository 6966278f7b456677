# Nära. `make` builds ./nara; `make run` serves the demo; `make test` runs
# every test; `make bench` compares nara with nginx. The scripts in scripts/
# do the work; this file knows how to compile.

CC ?= cc
# libcrypto (OpenSSL) is here for HMAC-SHA1, which TOTP needs and libsodium
# lacks (src/domain/totp.c says why); libqrencode draws the QR code that
# sets up an authenticator app (src/web/qr.c).
PKGS = libevent libevent_pthreads sqlite3 libpq libsodium jansson libcurl \
	cjose libcrypto libqrencode
WARN = -Wall -Wextra -Wshadow -Wstrict-prototypes -Werror
BASE_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) -Isrc -Ibuild \
	$(shell pkg-config --cflags $(PKGS) 2>/dev/null) -I/usr/include/postgresql
# libharu (PDF) has no pkg-config file in Debian.
LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -levent -levent_pthreads -lsqlite3 -lpq -lsodium -ljansson -lcurl -lcjose -lcrypto -lqrencode) -lhpdf -lpthread -lm

VERSION := $(shell git describe --always --dirty 2>/dev/null || echo dev)

LIB_SRC = $(sort $(wildcard src/core/*.c src/http/*.c src/web/*.c src/api/*.c \
	src/db/*.c src/domain/*.c src/policy/*.c src/cli/*.c))
MAIN_SRC = src/main.c
ASSET_FILES = $(sort $(wildcard sql/*.sql templates/*.html i18n/*.txt static/* \
	forms/*.json))
DS = node_modules/@digdir/designsystemet-css/dist
ASSET_ARGS = $(ASSET_FILES) static/ds.css=$(DS)/src/index.css \
	static/ds-theme.css=$(DS)/theme/designsystemet.css

UNIT_TESTS = $(patsubst tests/unit/%.c,build/test/%,$(wildcard tests/unit/test_*.c))
FUZZERS = $(patsubst tests/fuzz/%.c,build/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))

.PHONY: all run test bench fuzz clean deps unit format test-build
# Objects are made through pattern rules; keep them between runs.
.SECONDARY:
all: nara

deps:
	@bash scripts/deps.sh run

build/embed: tools/embed.c
	@mkdir -p build
	$(CC) -O1 -o $@ $<

build/assets.c: build/embed $(ASSET_FILES) $(DS)/src/index.css
	build/embed $@ $(ASSET_ARGS)

$(DS)/src/index.css:
	@bash scripts/deps.sh run

# Release build.
REL_OBJ = $(patsubst src/%.c,build/rel/%.o,$(LIB_SRC) $(MAIN_SRC)) build/rel/assets.o
build/rel/%.o: src/%.c $(wildcard src/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -O2 -g -DNARA_VERSION='"$(VERSION)"' -c -o $@ $<
build/rel/assets.o: build/assets.c
	$(CC) $(BASE_CFLAGS) -O1 -c -o $@ $<
# The version is compiled into main.o: rebuild it when the checkout moves.
build/rel/main.o build/test/obj/main.o: $(wildcard .git/index)
nara: $(REL_OBJ)
	$(CC) -o $@ $^ $(LIBS)

# Test build: AddressSanitizer and UndefinedBehaviorSanitizer.
SAN = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
TEST_OBJ = $(patsubst src/%.c,build/test/obj/%.o,$(LIB_SRC)) build/test/obj/assets.o
build/test/obj/%.o: src/%.c $(wildcard src/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(SAN) -O1 -g -DNARA_VERSION='"$(VERSION)-test"' -c -o $@ $<
build/test/obj/assets.o: build/assets.c
	$(CC) $(BASE_CFLAGS) -O0 -c -o $@ $<
build/test/nara: $(TEST_OBJ) build/test/obj/main.o
	$(CC) $(SAN) -o $@ $^ $(LIBS)
build/test/test_%: tests/unit/test_%.c $(TEST_OBJ)
	$(CC) $(BASE_CFLAGS) $(SAN) -O1 -g -o $@ $< $(TEST_OBJ) $(LIBS) -lcmocka

# Fuzzers: libFuzzer with clang.
FUZZ_FLAGS = -std=c11 -D_GNU_SOURCE -Isrc -Ibuild -I/usr/include/postgresql -g -O1
FUZZ_OBJ = $(patsubst src/%.c,build/fuzz/obj/%.o,$(LIB_SRC)) build/fuzz/obj/assets.o
build/fuzz/obj/%.o: src/%.c $(wildcard src/*/*.h)
	@mkdir -p $(dir $@)
	clang $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link,address,undefined -c -o $@ $<
build/fuzz/obj/assets.o: build/assets.c
	clang $(FUZZ_FLAGS) -c -o $@ $<
build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJ)
	clang $(FUZZ_FLAGS) -fsanitize=fuzzer,address,undefined -o $@ $< $(FUZZ_OBJ) $(LIBS)

test-build: build/test/nara $(UNIT_TESTS) $(FUZZERS) nara

run:
	@bash scripts/deps.sh run
	@$(MAKE) --no-print-directory nara
	@bash scripts/run.sh

test:
	@bash scripts/deps.sh test
	@$(MAKE) --no-print-directory -j2 test-build
	@bash scripts/test.sh

# Longer fuzz runs than make test does: FUZZ_SECONDS per fuzzer.
fuzz:
	@bash scripts/deps.sh test
	@$(MAKE) --no-print-directory -j2 $(FUZZERS)
	@FUZZ_SECONDS=$${FUZZ_SECONDS:-300} bash scripts/fuzz.sh

bench:
	@bash scripts/deps.sh bench
	@$(MAKE) --no-print-directory nara
	@bash scripts/bench.sh

format:
	clang-format -i $(LIB_SRC) $(MAIN_SRC) tests/unit/*.c tests/fuzz/*.c

clean:
	rm -rf build nara
