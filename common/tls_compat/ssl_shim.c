/* Loaded under the soname "libssl.so" before civetweb opens that name.
 *
 * Debian 12's civetweb 1.15 was built for the OpenSSL 1.1 API and looks up
 * SSL_get_peer_certificate at run time, a symbol OpenSSL 3 no longer exports
 * (it became a macro for SSL_get1_peer_certificate). Every other symbol
 * civetweb asks for resolves through this library's dependency on the real
 * libssl.so.3. */
typedef struct ssl_st SSL;
typedef struct x509_st X509;

X509 *SSL_get1_peer_certificate(const SSL *ssl);

__attribute__((visibility("default"))) X509 *SSL_get_peer_certificate(const SSL *ssl) {
  return SSL_get1_peer_certificate(ssl);
}
