/*
 * A PKCS#11 module that forwards to a real one (SoftHSM2) and can OR extra bits into
 * CK_TOKEN_INFO.flags, so tests can make a token report CKF_USER_PIN_FINAL_TRY or
 * CKF_USER_PIN_LOCKED, which SoftHSM2 never does. It also counts C_Login calls that reach it.
 * C_Finalize is not forwarded: the real module is shared with the test process's own instance.
 */
#include <dlfcn.h>
#include <stddef.h>
#include <p11-kit/pkcs11.h>

static CK_FUNCTION_LIST shim;
static CK_FUNCTION_LIST_PTR real;
static char real_path[4096];
static volatile CK_FLAGS extra_flags;
static volatile long login_calls;

int shim_set_real_module(const char *path)
{
    size_t i = 0;
    for (; path[i] && i < sizeof real_path - 1; i++) real_path[i] = path[i];
    real_path[i] = 0;
    return 0;
}

void shim_set_extra_flags(unsigned long flags) { extra_flags = flags; }
long shim_login_calls(void) { return login_calls; }

static CK_RV shim_initialize(void *args)
{
    CK_RV rv = real->C_Initialize(args);
    return rv == CKR_CRYPTOKI_ALREADY_INITIALIZED ? CKR_OK : rv;
}

static CK_RV shim_finalize(void *reserved) { (void)reserved; return CKR_OK; }

static CK_RV shim_get_token_info(CK_SLOT_ID slot, CK_TOKEN_INFO_PTR info)
{
    CK_RV rv = real->C_GetTokenInfo(slot, info);
    if (rv == CKR_OK) info->flags |= extra_flags;
    return rv;
}

static CK_RV shim_login(CK_SESSION_HANDLE session, CK_USER_TYPE user, CK_UTF8CHAR_PTR pin, CK_ULONG len)
{
    __sync_fetch_and_add(&login_calls, 1);
    return real->C_Login(session, user, pin, len);
}

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list)
{
    if (!real) {
        void *handle = dlopen(real_path, RTLD_NOW);
        if (!handle) return CKR_GENERAL_ERROR;
        CK_C_GetFunctionList get = (CK_C_GetFunctionList)dlsym(handle, "C_GetFunctionList");
        if (!get || get(&real) != CKR_OK) return CKR_GENERAL_ERROR;
        shim = *real;
        shim.C_Initialize = shim_initialize;
        shim.C_Finalize = shim_finalize;
        shim.C_GetTokenInfo = shim_get_token_info;
        shim.C_Login = shim_login;
    }
    *list = &shim;
    return CKR_OK;
}
