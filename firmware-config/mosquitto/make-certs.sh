#!/bin/sh
# A school's own certificate authority and the broker's TLS certificate, with openssl.
#
#   sh firmware-config/mosquitto/make-certs.sh <out dir> <server name> [more names or IPs ...]
#   e.g. sh firmware-config/mosquitto/make-certs.sh /etc/mosquitto/openshelf thuvien thuvien.local 192.168.1.10
#
# Writes ca.key + ca.crt (10 years; keep ca.key off the network, e.g. on a USB stick in the office)
# and server.key + server.crt (about 3 years) whose names are every name and IP the stations use to
# reach the broker. Copy ca.crt to each station (/etc/openshelf/ca.crt). An existing CA is reused, so
# running it again (a new IP, an expiring certificate) needs no change on the stations.
set -eu

if [ $# -lt 2 ]; then
  echo "Cách dùng / Usage: $0 <out dir> <server name> [more names or IPs ...]" >&2
  exit 2
fi
out=$1
shift
command -v openssl >/dev/null || { echo "Cần openssl / openssl is needed: sudo apt-get install openssl" >&2; exit 1; }
mkdir -p "$out"
umask 077

# subjectAltName: names as DNS:, addresses as IP:, plus localhost for checks on the server itself.
san="DNS:localhost,IP:127.0.0.1"
for n in "$@"; do
  case $n in
    *[!0-9.]*) case $n in *:*) san="$san,IP:$n" ;; *) san="$san,DNS:$n" ;; esac ;;
    *) san="$san,IP:$n" ;;
  esac
done

if [ ! -f "$out/ca.key" ] || [ ! -f "$out/ca.crt" ]; then
  openssl req -x509 -new -newkey rsa:3072 -nodes -sha256 -days 3650 \
    -keyout "$out/ca.key" -out "$out/ca.crt" \
    -subj "/O=OpenShelf/CN=OpenShelf school CA $1" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  echo "CA mới / new CA: $out/ca.crt"
else
  echo "Dùng lại CA có sẵn / reusing the CA in $out"
fi

ext="$out/server.ext"
cat >"$ext" <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=$san
EXT
openssl req -new -newkey rsa:2048 -nodes -sha256 -keyout "$out/server.key" -out "$out/server.csr" -subj "/O=OpenShelf/CN=$1" 2>/dev/null
openssl x509 -req -in "$out/server.csr" -CA "$out/ca.crt" -CAkey "$out/ca.key" -CAcreateserial \
  -days 1095 -sha256 -extfile "$ext" -out "$out/server.crt" 2>/dev/null
rm -f "$out/server.csr" "$ext"
chmod 0644 "$out/ca.crt" "$out/server.crt"
# The broker reads its key as the mosquitto user (when run as root for the real /etc/mosquitto).
if [ "$(id -u)" = 0 ] && getent group mosquitto >/dev/null; then
  chgrp mosquitto "$out/server.key" && chmod 0640 "$out/server.key"
fi
openssl verify -CAfile "$out/ca.crt" "$out/server.crt" >/dev/null
echo "Chứng chỉ máy chủ / server certificate: $out/server.crt ($san)"
