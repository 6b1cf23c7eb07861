/*
 * raw_sign: the token's raw C_Sign rate, as a baseline for `signing bench pkcs11`.
 * N threads, each with its own session, sign a SHA-256 DigestInfo with CKM_RSA_PKCS
 * (C_SignInit + C_Sign per signature, as the managed binding does) for S seconds.
 *
 *   SIGNING_PIN=1234 raw_sign MODULE TOKEN_LABEL KEY_LABEL THREADS SECONDS
 *
 * Prints "raw sign/s: N". Uses p11-kit's pkcs11.h (Debian package libp11-kit-dev).
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <p11-kit/pkcs11.h>

#define MAX_THREADS 256

static CK_FUNCTION_LIST_PTR p11;
static CK_SLOT_ID slot;
static CK_OBJECT_HANDLE key;
static volatile int stop;
static volatile int failed;

/* DigestInfo for SHA-256 (RFC 8017 9.2 note 1) followed by a fixed 32-byte hash. */
static const unsigned char digest_info[51] = {
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20,
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};

struct worker { pthread_t thread; volatile long count; char pad[64]; };

static void die(const char *what, CK_RV rv)
{
    fprintf(stderr, "raw_sign: %s returned 0x%lx\n", what, (unsigned long)rv);
    exit(1);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *sign_loop(void *arg)
{
    struct worker *w = arg;
    CK_SESSION_HANDLE session;
    CK_RV rv = p11->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &session);
    if (rv != CKR_OK) die("C_OpenSession", rv);
    CK_MECHANISM mechanism = {CKM_RSA_PKCS, NULL, 0};
    unsigned char signature[1024];
    while (!stop) {
        CK_ULONG length = sizeof signature;
        rv = p11->C_SignInit(session, &mechanism, key);
        if (rv == CKR_OK) rv = p11->C_Sign(session, (CK_BYTE_PTR)digest_info, sizeof digest_info, signature, &length);
        if (rv != CKR_OK) { failed = 1; fprintf(stderr, "raw_sign: C_Sign returned 0x%lx\n", (unsigned long)rv); break; }
        w->count++;
    }
    p11->C_CloseSession(session);
    return NULL;
}

static int label_matches(const unsigned char *field, size_t size, const char *label)
{
    size_t n = strlen(label);
    if (n > size || memcmp(field, label, n) != 0) return 0;
    for (size_t i = n; i < size; i++) if (field[i] != ' ') return 0;
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: SIGNING_PIN=... %s MODULE TOKEN_LABEL KEY_LABEL THREADS SECONDS\n", argv[0]);
        return 2;
    }
    const char *pin = getenv("SIGNING_PIN");
    int threads = atoi(argv[4]);
    double seconds = atof(argv[5]);
    if (!pin || !*pin) { fprintf(stderr, "raw_sign: set SIGNING_PIN\n"); return 2; }
    if (threads < 1 || threads > MAX_THREADS || seconds <= 0 || seconds > 3600) { fprintf(stderr, "raw_sign: bad THREADS or SECONDS\n"); return 2; }

    void *lib = dlopen(argv[1], RTLD_NOW);
    if (!lib) { fprintf(stderr, "raw_sign: %s\n", dlerror()); return 1; }
    CK_C_GetFunctionList get = (CK_C_GetFunctionList)dlsym(lib, "C_GetFunctionList");
    if (!get) { fprintf(stderr, "raw_sign: no C_GetFunctionList\n"); return 1; }
    CK_RV rv = get(&p11);
    if (rv != CKR_OK) die("C_GetFunctionList", rv);
    CK_C_INITIALIZE_ARGS init = {0};
    init.flags = CKF_OS_LOCKING_OK;
    if ((rv = p11->C_Initialize(&init)) != CKR_OK) die("C_Initialize", rv);

    CK_SLOT_ID slots[64];
    CK_ULONG count = 64;
    if ((rv = p11->C_GetSlotList(CK_TRUE, slots, &count)) != CKR_OK) die("C_GetSlotList", rv);
    int found = 0;
    for (CK_ULONG i = 0; i < count && !found; i++) {
        CK_TOKEN_INFO info;
        if (p11->C_GetTokenInfo(slots[i], &info) == CKR_OK && label_matches(info.label, sizeof info.label, argv[2])) {
            slot = slots[i];
            found = 1;
        }
    }
    if (!found) { fprintf(stderr, "raw_sign: no token labelled %s\n", argv[2]); return 1; }

    /* This session stays open for the whole run so the login lasts. */
    CK_SESSION_HANDLE login;
    if ((rv = p11->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &login)) != CKR_OK) die("C_OpenSession", rv);
    rv = p11->C_Login(login, CKU_USER, (CK_UTF8CHAR_PTR)pin, strlen(pin));
    if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) die("C_Login", rv);

    CK_OBJECT_CLASS klass = CKO_PRIVATE_KEY;
    CK_ATTRIBUTE template[] = {
        {CKA_CLASS, &klass, sizeof klass},
        {CKA_LABEL, argv[3], strlen(argv[3])},
    };
    CK_ULONG n = 0;
    if ((rv = p11->C_FindObjectsInit(login, template, 2)) != CKR_OK) die("C_FindObjectsInit", rv);
    if ((rv = p11->C_FindObjects(login, &key, 1, &n)) != CKR_OK) die("C_FindObjects", rv);
    p11->C_FindObjectsFinal(login);
    if (n != 1) { fprintf(stderr, "raw_sign: no private key labelled %s\n", argv[3]); return 1; }

    struct worker workers[MAX_THREADS];
    memset(workers, 0, sizeof workers);
    for (int i = 0; i < threads; i++) pthread_create(&workers[i].thread, NULL, sign_loop, &workers[i]);

    /* Same protocol as `signing bench pkcs11`: warm up, then sample the counters. */
    double warmup = seconds / 5 < 1.0 ? seconds / 5 : 1.0;
    struct timespec warm = {(time_t)warmup, (long)((warmup - (time_t)warmup) * 1e9)};
    nanosleep(&warm, NULL);
    long before = 0, after = 0;
    for (int i = 0; i < threads; i++) before += workers[i].count;
    double start = now();
    struct timespec pause = {(time_t)seconds, (long)((seconds - (time_t)seconds) * 1e9)};
    nanosleep(&pause, NULL);
    for (int i = 0; i < threads; i++) after += workers[i].count;
    double elapsed = now() - start;
    stop = 1;
    for (int i = 0; i < threads; i++) pthread_join(workers[i].thread, NULL);
    long total = after - before;

    p11->C_Logout(login);
    p11->C_CloseSession(login);
    p11->C_Finalize(NULL);
    if (failed) return 1;
    printf("raw sign/s: %.0f\n", total / elapsed);
    printf("signatures: %ld threads: %d seconds: %.2f\n", total, threads, elapsed);
    return 0;
}
