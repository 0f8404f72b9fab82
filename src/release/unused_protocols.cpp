// The release helper is linked fully static, and Debian 12 has static archives for libcurl and all
// its dependencies but three: GSSAPI (krb5 ships none), and LDAP and RTMP, whose archives pull in
// p11-kit (which ships none either). The helper never speaks ldap://, rtmp:// or Negotiate, so these
// stand in for the symbols libcurl.a references: each fails, as a library that cannot help would.
// Built only with KANIKO_STATIC.

extern "C" {

void* GSS_C_NT_HOSTBASED_SERVICE = nullptr;

#define KANIKO_UNAVAILABLE(name) \
    long name() { return -1; }

KANIKO_UNAVAILABLE(gss_delete_sec_context)
KANIKO_UNAVAILABLE(gss_display_name)
KANIKO_UNAVAILABLE(gss_display_status)
KANIKO_UNAVAILABLE(gss_import_name)
KANIKO_UNAVAILABLE(gss_init_sec_context)
KANIKO_UNAVAILABLE(gss_inquire_context)
KANIKO_UNAVAILABLE(gss_release_buffer)
KANIKO_UNAVAILABLE(gss_release_name)
KANIKO_UNAVAILABLE(gss_unwrap)
KANIKO_UNAVAILABLE(gss_wrap)

KANIKO_UNAVAILABLE(ldap_abandon_ext)
KANIKO_UNAVAILABLE(ldap_err2string)
KANIKO_UNAVAILABLE(ldap_free_urldesc)
KANIKO_UNAVAILABLE(ldap_get_attribute_ber)
KANIKO_UNAVAILABLE(ldap_get_dn_ber)
KANIKO_UNAVAILABLE(ldap_get_option)
KANIKO_UNAVAILABLE(ldap_init_fd)
KANIKO_UNAVAILABLE(ldap_memfree)
KANIKO_UNAVAILABLE(ldap_msgfree)
KANIKO_UNAVAILABLE(ldap_msgtype)
KANIKO_UNAVAILABLE(ldap_parse_result)
KANIKO_UNAVAILABLE(ldap_parse_sasl_bind_result)
KANIKO_UNAVAILABLE(ldap_pvt_url_scheme2proto)
KANIKO_UNAVAILABLE(ldap_result)
KANIKO_UNAVAILABLE(ldap_sasl_bind)
KANIKO_UNAVAILABLE(ldap_search_ext)
KANIKO_UNAVAILABLE(ldap_set_option)
KANIKO_UNAVAILABLE(ldap_start_tls)
KANIKO_UNAVAILABLE(ldap_unbind_ext)
KANIKO_UNAVAILABLE(ldap_url_parse)
KANIKO_UNAVAILABLE(ber_bvfree)
KANIKO_UNAVAILABLE(ber_free)
KANIKO_UNAVAILABLE(ber_memfree)
KANIKO_UNAVAILABLE(ber_memvfree)
KANIKO_UNAVAILABLE(ber_sockbuf_add_io)

KANIKO_UNAVAILABLE(RTMP_Alloc)
KANIKO_UNAVAILABLE(RTMP_Close)
KANIKO_UNAVAILABLE(RTMP_Connect1)
KANIKO_UNAVAILABLE(RTMP_ConnectStream)
KANIKO_UNAVAILABLE(RTMP_Free)
KANIKO_UNAVAILABLE(RTMP_Init)
KANIKO_UNAVAILABLE(RTMP_Read)
KANIKO_UNAVAILABLE(RTMP_SetBufferMS)
KANIKO_UNAVAILABLE(RTMP_SetupURL)
KANIKO_UNAVAILABLE(RTMP_Write)

}  // extern "C"
