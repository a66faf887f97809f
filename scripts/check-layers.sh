#!/usr/bin/env bash
# check-layers.sh — the include rules of docs/architecture.md ("Layers"), checked on every build:
#   base/  (arena, buf, err, jw, clock)  includes nothing of kefu's but base/
#   db/    base/, db/                     core/  base/, db/, core/
#   http/  … core/, http/                 kit/   … http/, kit/
#   modules/NAME/  anything below, its own folder, and another module's NAME_public.h only
#   src/*.c (main, cli, demo)  anything but a module; version.h anywhere above base/
# Prints each include that breaks a rule and exits 1.
set -u
cd "$(dirname "$0")/../src"
bad=0
allowed() {  # layer of the including file → allowed prefixes
  case "$1" in
    base) echo "base/" ;;
    db) echo "base/ db/" ;;
    core) echo "base/ db/ core/" ;;
    http) echo "base/ db/ core/ http/" ;;
    kit) echo "base/ db/ core/ http/ kit/" ;;
    modules/*) echo "base/ db/ core/ http/ kit/ version.h $1/" ;;
    app) echo "base/ db/ core/ http/ kit/ cli.h demo.h version.h" ;;
  esac
}
while IFS= read -r f; do
  dir=$(dirname "$f")
  case "$dir" in
    .) layer=app ;;
    modules/*) layer=$dir ;;
    *) layer=$dir ;;
  esac
  ok=$(allowed "$layer")
  while IFS= read -r inc; do
    [ -z "$inc" ] && continue
    if [ "$dir" != . ] && [ -f "$dir/$inc" ]; then path=$dir/$inc; else path=$inc; fi
    pass=0
    for p in $ok; do case "$path" in "$p"*) pass=1 ;; esac; done
    case "$path" in modules/*/*_public.h) [ "${layer#modules/}" != "$layer" ] && pass=1 ;; esac
    if [ $pass = 0 ]; then echo "layers: src/$f includes \"$inc\" (not allowed for $layer)" >&2; bad=1; fi
  done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f")
done < <(find . -name '*.[ch]' | sed 's|^\./||' | sort)
exit $bad
