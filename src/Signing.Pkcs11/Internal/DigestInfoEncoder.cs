using System.Formats.Asn1;
using System.Security.Cryptography;

namespace Signing.Pkcs11.Internal;

// Builds the DigestInfo that CKM_RSA_PKCS signs for RSASSA-PKCS1-v1_5 (RFC 8017, 9.2):
//
//   DigestInfo ::= SEQUENCE {
//       digestAlgorithm DigestAlgorithmIdentifier,
//       digest          Digest }
//   DigestAlgorithmIdentifier ::= AlgorithmIdentifier {{DigestAlgorithms}}
//   Digest ::= OCTET STRING
//
//   AlgorithmIdentifier ::= SEQUENCE {
//       algorithm   OBJECT IDENTIFIER,
//       parameters  ANY DEFINED BY algorithm OPTIONAL }   -- NULL for the SHA-2 family (RFC 8017 B.1)
internal static class DigestInfoEncoder
{
    public const int MaxLength = 19 + 64;

    public static int Encode(HashAlgorithmName hashAlgorithm, ReadOnlySpan<byte> hash, Span<byte> destination)
    {
        var (oid, length) = Describe(hashAlgorithm);
        if (hash.Length != length)
        {
            throw new CryptographicException($"A {hashAlgorithm.Name} hash is {length} bytes; {hash.Length} were given.");
        }

        var writer = new AsnWriter(AsnEncodingRules.DER, initialCapacity: MaxLength);
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(oid);
                writer.WriteNull();
            }

            writer.WriteOctetString(hash);
        }

        return writer.Encode(destination);
    }

    public static (string Oid, int HashLength) Describe(HashAlgorithmName hashAlgorithm) => hashAlgorithm.Name switch
    {
        "SHA256" => ("2.16.840.1.101.3.4.2.1", 32),
        "SHA384" => ("2.16.840.1.101.3.4.2.2", 48),
        "SHA512" => ("2.16.840.1.101.3.4.2.3", 64),
        _ => throw new CryptographicException($"Hash algorithm '{hashAlgorithm.Name}' is not supported for token signatures; use SHA256, SHA384 or SHA512."),
    };
}
