#!/bin/sh
# OpenShelf kiosk browser: Chromium full screen on the station's own page, for ever.
#
# Started by the desktop session of the kiosk user (labwc/autostart or wayfire/wayfire.ini), never
# as root. Installed as /usr/local/bin/openshelf-kiosk (docs/operations.md, "The touchscreen").
#
#  - waits until the station daemon answers, so the pupils never see an error page at boot;
#  - a new, empty Chromium profile in RAM at every start, and incognito: nothing a pupil typed or
#    saw survives Chromium's exit, a crash or a power cut;
#  - if Chromium exits or crashes, it is started again (a closed window is not a way to the desktop).
#
# Settings, from the environment (all optional):
#   OPENSHELF_KIOSK_URL    the page                      (default http://localhost:8080)
#   OPENSHELF_CHROMIUM     the browser                   (default chromium, else chromium-browser)
#   OPENSHELF_KIOSK_FLAGS  extra Chromium flags, e.g. --force-device-scale-factor=1.25
set -u

URL=${OPENSHELF_KIOSK_URL:-http://localhost:8080}
BROWSER=${OPENSHELF_CHROMIUM:-}
if [ -z "$BROWSER" ]; then
  for b in chromium chromium-browser; do
    if command -v "$b" >/dev/null 2>&1; then BROWSER=$b; break; fi
  done
fi
[ -n "$BROWSER" ] || { echo "openshelf-kiosk: không thấy Chromium / Chromium not found (apt-get install chromium)" >&2; exit 1; }

# RAM, private to this user; /tmp if the session has no runtime dir.
RUNTIME=${XDG_RUNTIME_DIR:-/tmp}
PROFILE="$RUNTIME/openshelf-kiosk-profile"

page_answers() {
  if command -v curl >/dev/null 2>&1; then
    curl -s -o /dev/null --max-time 2 "$URL"
  else
    wget -q -O /dev/null -T 2 "$URL"
  fi
}

while :; do
  # Wait for the station daemon (it starts in parallel at boot, and restarts after an update).
  tries=0
  until page_answers; do
    tries=$((tries + 1))
    [ $((tries % 30)) -eq 0 ] && echo "openshelf-kiosk: $URL chưa trả lời / not answering yet" >&2
    sleep 1
  done

  rm -rf "$PROFILE"
  mkdir -p "$PROFILE"
  chmod 700 "$PROFILE"
  # --kiosk --app: full screen, no address bar, tabs or menus.
  # --incognito + the fresh profile above: no history, cookies, form data or cache is kept.
  # --noerrdialogs --disable-session-crashed-bubble --disable-infobars: no "restore pages?" or
  #   other bubble after a power cut.
  # --overscroll-history-navigation=0 --disable-pinch: a swipe does not go "back", two fingers do
  #   not zoom.
  # --check-for-update-interval: never nag about updates (apt updates Chromium).
  # --disable-features=Translate: no "translate this page?" over the Vietnamese text.
  # --autoplay-policy: the kiosk's beeps sound without a tap first.
  # shellcheck disable=SC2086 # OPENSHELF_KIOSK_FLAGS is a list of flags
  "$BROWSER" \
    --kiosk --app="$URL" \
    --user-data-dir="$PROFILE" \
    --incognito \
    --noerrdialogs \
    --disable-session-crashed-bubble \
    --disable-infobars \
    --no-first-run \
    --no-default-browser-check \
    --password-store=basic \
    --overscroll-history-navigation=0 \
    --disable-pinch \
    --check-for-update-interval=31536000 \
    --disable-features=Translate,TranslateUI \
    --autoplay-policy=no-user-gesture-required \
    --ozone-platform-hint=auto \
    ${OPENSHELF_KIOSK_FLAGS:-} \
    >/dev/null 2>&1
  echo "openshelf-kiosk: Chromium đã thoát, mở lại / Chromium exited, starting it again" >&2
  rm -rf "$PROFILE"
  sleep 2
done
