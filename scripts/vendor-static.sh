#!/usr/bin/env bash
# Vendor the front-end assets into static/vendor/ from package.json / package-lock.json (exact
# versions): `npm ci` in a temp dir, then copy only the dist files each page uses, with their
# source maps (the manifest storage of collectstatic resolves every sourceMappingURL) and licenses.
# The copies are committed: installing, testing and CI need no npm. To upgrade: change a version
# in package.json, `npm install --package-lock-only --ignore-scripts`, run this script, commit.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=$(mktemp -d /tmp/govmedia-vendor.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
cp package.json package-lock.json "$WORK/"
(cd "$WORK" && npm ci --ignore-scripts --no-audit --no-fund --silent)
NM="$WORK/node_modules"
OUT=static/vendor
rm -rf "$OUT"
mkdir -p "$OUT/bootstrap" "$OUT/bootstrap-icons/fonts" "$OUT/chartjs" "$OUT/flatpickr"
cp "$NM/bootstrap/dist/css/bootstrap.min.css" "$NM/bootstrap/dist/css/bootstrap.min.css.map" \
   "$NM/bootstrap/dist/js/bootstrap.bundle.min.js" "$NM/bootstrap/dist/js/bootstrap.bundle.min.js.map" \
   "$NM/bootstrap/LICENSE" "$OUT/bootstrap/"
cp "$NM/bootstrap-icons/font/bootstrap-icons.min.css" "$NM/bootstrap-icons/LICENSE" "$OUT/bootstrap-icons/"
cp "$NM/bootstrap-icons/font/fonts/bootstrap-icons.woff2" "$NM/bootstrap-icons/font/fonts/bootstrap-icons.woff" \
   "$OUT/bootstrap-icons/fonts/"
cp "$NM/chart.js/dist/chart.umd.min.js" "$NM/chart.js/dist/chart.umd.min.js.map" "$NM/chart.js/LICENSE.md" "$OUT/chartjs/"
# The one date picker (static/js/dates.js) with its Chinese locale.
cp "$NM/flatpickr/dist/flatpickr.min.js" "$NM/flatpickr/dist/flatpickr.min.css" "$NM/flatpickr/dist/l10n/zh.js" \
   "$NM/flatpickr/LICENSE.md" "$OUT/flatpickr/"
# axe-core (a devDependency) is no static file of the site: the browser suite injects it (tests/browser/test_accessibility.py).
AXE=tests/browser/vendor
mkdir -p "$AXE"
cp "$NM/axe-core/axe.min.js" "$AXE/axe.min.js"
cp "$NM/axe-core/LICENSE" "$AXE/axe-core-LICENSE"
node -e 'const l=require(process.argv[1]).packages;for(const[k,v]of Object.entries(l))if(k)console.log(k.replace("node_modules/",""),v.version)' \
  "$WORK/package-lock.json" > "$OUT/VERSIONS"
echo "static/vendor/ refreshed:"; cat "$OUT/VERSIONS"
