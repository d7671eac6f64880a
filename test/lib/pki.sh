# shellcheck shell=bash
# Certificates of the test clusters (test/control-plane, test/node), made with openssl and valid for two days.
# Source it.

# pki_client_certificate DIR NAME SUBJECT CA_DIR: DIR/NAME.key and DIR/NAME.crt, a client certificate for SUBJECT
# (e.g. /O=system:nodes/CN=system:node:n1) signed by CA_DIR/ca.crt and CA_DIR/ca.key.
pki_client_certificate() {
  local dir=$1 name=$2 subject=$3 ca=$4
  mkdir -p "$dir"
  printf 'extendedKeyUsage=clientAuth\n' >"$dir/client.ext"
  openssl req -newkey rsa:2048 -nodes -subj "$subject" -keyout "$dir/$name.key" -out "$dir/$name.csr" 2>/dev/null
  openssl x509 -req -in "$dir/$name.csr" -CA "$ca/ca.crt" -CAkey "$ca/ca.key" -CAcreateserial \
    -days 2 -extfile "$dir/client.ext" -out "$dir/$name.crt" 2>/dev/null
}
