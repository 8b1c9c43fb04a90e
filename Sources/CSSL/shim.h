#ifndef CADENCED_CSSL_SHIM_H
#define CADENCED_CSSL_SHIM_H
/* OpenSSL (libssl, libcrypto) for cadenced-deliver: TLS to the mail relay and the robots'
   webhooks, HMAC-SHA256 for the robots' signatures. Macros of ssl.h do not import into Swift;
   these functions stand for the ones used. */
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

static inline long cssl_set_server_name(SSL *ssl, const char *name) { return SSL_set_tlsext_host_name(ssl, name); }
static inline int cssl_set_minimum_tls12(SSL_CTX *context) {
    return (int)SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
}
#endif
