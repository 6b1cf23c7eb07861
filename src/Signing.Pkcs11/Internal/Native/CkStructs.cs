using System.Runtime.InteropServices;

namespace Signing.Pkcs11.Internal.Native;

// Struct layouts for Linux x64 (LP64, natural alignment: CK_ULONG is 8 bytes and no
// #pragma pack). Windows packs these structs to 1 byte with a 4-byte CK_ULONG, so
// Pkcs11Module refuses to load anywhere else. LayoutTests pins sizes and offsets.

[StructLayout(LayoutKind.Sequential)]
internal struct CkVersion
{
    public byte Major;
    public byte Minor;

    public override readonly string ToString() => $"{Major}.{Minor}";
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CkInfo
{
    public CkVersion CryptokiVersion;
    public fixed byte ManufacturerId[32];
    public CULong Flags;
    public fixed byte LibraryDescription[32];
    public CkVersion LibraryVersion;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CkSlotInfo
{
    public fixed byte SlotDescription[64];
    public fixed byte ManufacturerId[32];
    public CULong Flags;
    public CkVersion HardwareVersion;
    public CkVersion FirmwareVersion;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CkTokenInfo
{
    public fixed byte Label[32];
    public fixed byte ManufacturerId[32];
    public fixed byte Model[16];
    public fixed byte SerialNumber[16];
    public CULong Flags;
    public CULong MaxSessionCount;
    public CULong SessionCount;
    public CULong MaxRwSessionCount;
    public CULong RwSessionCount;
    public CULong MaxPinLen;
    public CULong MinPinLen;
    public CULong TotalPublicMemory;
    public CULong FreePublicMemory;
    public CULong TotalPrivateMemory;
    public CULong FreePrivateMemory;
    public CkVersion HardwareVersion;
    public CkVersion FirmwareVersion;
    public fixed byte UtcTime[16];
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CkAttribute
{
    public CULong Type;
    public void* Value;
    public CULong ValueLen;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CkMechanism
{
    public CULong Mechanism;
    public void* Parameter;
    public CULong ParameterLen;
}

[StructLayout(LayoutKind.Sequential)]
internal struct CkRsaPkcsPssParams
{
    public CULong HashAlg;
    public CULong Mgf;
    public CULong SaltLen;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CkCInitializeArgs
{
    public void* CreateMutex;
    public void* DestroyMutex;
    public void* LockMutex;
    public void* UnlockMutex;
    public CULong Flags;
    public void* Reserved;
}

// CK_FUNCTION_LIST: the version followed by the 68 entry points in specification order.
// Entry points this binding does not call are kept as opaque pointers so offsets stay right.
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CkFunctionList
{
    public CkVersion Version;
    public delegate* unmanaged<CkCInitializeArgs*, CULong> C_Initialize;
    public delegate* unmanaged<void*, CULong> C_Finalize;
    public delegate* unmanaged<CkInfo*, CULong> C_GetInfo;
    public void* C_GetFunctionList;
    public delegate* unmanaged<byte, CULong*, CULong*, CULong> C_GetSlotList;
    public delegate* unmanaged<CULong, CkSlotInfo*, CULong> C_GetSlotInfo;
    public delegate* unmanaged<CULong, CkTokenInfo*, CULong> C_GetTokenInfo;
    public void* C_GetMechanismList;
    public void* C_GetMechanismInfo;
    public delegate* unmanaged<CULong, byte*, CULong, byte*, CULong> C_InitToken;
    public delegate* unmanaged<CULong, byte*, CULong, CULong> C_InitPIN;
    public void* C_SetPIN;
    public delegate* unmanaged<CULong, CULong, void*, void*, CULong*, CULong> C_OpenSession;
    public delegate* unmanaged<CULong, CULong> C_CloseSession;
    public void* C_CloseAllSessions;
    public void* C_GetSessionInfo;
    public void* C_GetOperationState;
    public void* C_SetOperationState;
    public delegate* unmanaged<CULong, CULong, byte*, CULong, CULong> C_Login;
    public delegate* unmanaged<CULong, CULong> C_Logout;
    public delegate* unmanaged<CULong, CkAttribute*, CULong, CULong*, CULong> C_CreateObject;
    public void* C_CopyObject;
    public delegate* unmanaged<CULong, CULong, CULong> C_DestroyObject;
    public void* C_GetObjectSize;
    public delegate* unmanaged<CULong, CULong, CkAttribute*, CULong, CULong> C_GetAttributeValue;
    public void* C_SetAttributeValue;
    public delegate* unmanaged<CULong, CkAttribute*, CULong, CULong> C_FindObjectsInit;
    public delegate* unmanaged<CULong, CULong*, CULong, CULong*, CULong> C_FindObjects;
    public delegate* unmanaged<CULong, CULong> C_FindObjectsFinal;
    public void* C_EncryptInit;
    public void* C_Encrypt;
    public void* C_EncryptUpdate;
    public void* C_EncryptFinal;
    public void* C_DecryptInit;
    public void* C_Decrypt;
    public void* C_DecryptUpdate;
    public void* C_DecryptFinal;
    public void* C_DigestInit;
    public void* C_Digest;
    public void* C_DigestUpdate;
    public void* C_DigestKey;
    public void* C_DigestFinal;
    public delegate* unmanaged<CULong, CkMechanism*, CULong, CULong> C_SignInit;
    public delegate* unmanaged<CULong, byte*, CULong, byte*, CULong*, CULong> C_Sign;
    public void* C_SignUpdate;
    public void* C_SignFinal;
    public void* C_SignRecoverInit;
    public void* C_SignRecover;
    public void* C_VerifyInit;
    public void* C_Verify;
    public void* C_VerifyUpdate;
    public void* C_VerifyFinal;
    public void* C_VerifyRecoverInit;
    public void* C_VerifyRecover;
    public void* C_DigestEncryptUpdate;
    public void* C_DecryptDigestUpdate;
    public void* C_SignEncryptUpdate;
    public void* C_DecryptVerifyUpdate;
    public void* C_GenerateKey;
    public delegate* unmanaged<CULong, CkMechanism*, CkAttribute*, CULong, CkAttribute*, CULong, CULong*, CULong*, CULong> C_GenerateKeyPair;
    public void* C_WrapKey;
    public void* C_UnwrapKey;
    public void* C_DeriveKey;
    public void* C_SeedRandom;
    public void* C_GenerateRandom;
    public void* C_GetFunctionStatus;
    public void* C_CancelFunction;
    public void* C_WaitForSlotEvent;
}
