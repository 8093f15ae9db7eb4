/* Loaded under the soname "libcrypto.so": civetweb opens that unversioned name,
 * which only the -dev package provides. Its symbols all come from the real
 * libcrypto.so.3 this library depends on. */
int exporter_crypto_shim_marker;
