using System.Text.Json.Serialization;

namespace Signing.Pki.Validation;

/// <summary>The main status of a validation (ETSI EN 319 102-1 clause 5.1.3).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Indication>))]
public enum Indication
{
    /// <summary>The signature passed every check.</summary>
    [JsonStringEnumMemberName("TOTAL_PASSED")]
    TotalPassed,

    /// <summary>The signature is definitely invalid.</summary>
    [JsonStringEnumMemberName("TOTAL_FAILED")]
    TotalFailed,

    /// <summary>The checks could not establish validity or invalidity.</summary>
    [JsonStringEnumMemberName("INDETERMINATE")]
    Indeterminate,
}

/// <summary>Why a validation ended TOTAL_FAILED or INDETERMINATE (ETSI EN 319 102-1 table 5).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SubIndication>))]
public enum SubIndication
{
    /// <summary>The signed data does not match the message digest in the signature.</summary>
    [JsonStringEnumMemberName("HASH_FAILURE")]
    HashFailure,

    /// <summary>The signature value does not verify with the signer's public key.</summary>
    [JsonStringEnumMemberName("SIG_CRYPTO_FAILURE")]
    SigCryptoFailure,

    /// <summary>The signing certificate was revoked before the (proven) signing time.</summary>
    [JsonStringEnumMemberName("REVOKED")]
    Revoked,

    /// <summary>The signing certificate is revoked and nothing proves the signature existed before that.</summary>
    [JsonStringEnumMemberName("REVOKED_NO_POE")]
    RevokedNoPoe,

    /// <summary>A CA certificate in the chain is revoked and nothing proves the signature existed before that.</summary>
    [JsonStringEnumMemberName("REVOKED_CA_NO_POE")]
    RevokedCaNoPoe,

    /// <summary>The signing certificate is outside its validity period and nothing proves the signature existed while it was valid.</summary>
    [JsonStringEnumMemberName("OUT_OF_BOUNDS_NO_POE")]
    OutOfBoundsNoPoe,

    /// <summary>The signing time lies before the certificate's notBefore.</summary>
    [JsonStringEnumMemberName("NOT_YET_VALID")]
    NotYetValid,

    /// <summary>No chain from the signing certificate to a trust anchor.</summary>
    [JsonStringEnumMemberName("NO_CERTIFICATE_CHAIN_FOUND")]
    NoCertificateChainFound,

    /// <summary>A chain exists but breaks a rule (bad signature on a certificate, constraints).</summary>
    [JsonStringEnumMemberName("CHAIN_CONSTRAINTS_FAILURE")]
    ChainConstraintsFailure,

    /// <summary>The signing certificate cannot be identified.</summary>
    [JsonStringEnumMemberName("NO_SIGNING_CERTIFICATE_FOUND")]
    NoSigningCertificateFound,

    /// <summary>Revocation information is not available now; trying later may succeed.</summary>
    [JsonStringEnumMemberName("TRY_LATER")]
    TryLater,

    /// <summary>The signature is not well-formed.</summary>
    [JsonStringEnumMemberName("FORMAT_FAILURE")]
    FormatFailure,

    /// <summary>The signature cannot be checked because the signed content is missing.</summary>
    [JsonStringEnumMemberName("SIGNED_DATA_NOT_FOUND")]
    SignedDataNotFound,

    /// <summary>
    /// An algorithm, its parameters or its pairing with the digest is unknown to the validator or forbidden, so the
    /// signature value could not be judged (an INDETERMINATE sub-indication, never a failed signature).
    /// </summary>
    [JsonStringEnumMemberName("CRYPTO_CONSTRAINTS_FAILURE")]
    CryptoConstraintsFailure,
}

/// <summary>The outcome of one check in a report.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CheckOutcome>))]
public enum CheckOutcome
{
    /// <summary>The check passed.</summary>
    [JsonStringEnumMemberName("PASSED")]
    Passed,

    /// <summary>The check failed.</summary>
    [JsonStringEnumMemberName("FAILED")]
    Failed,

    /// <summary>The check could not conclude.</summary>
    [JsonStringEnumMemberName("INDETERMINATE")]
    Indeterminate,

    /// <summary>The check was not run (e.g. revocation when offline).</summary>
    [JsonStringEnumMemberName("SKIPPED")]
    Skipped,
}

/// <summary>A plain-language explanation in Vietnamese and English.</summary>
/// <param name="Vi">Vietnamese.</param>
/// <param name="En">English.</param>
public sealed record Explanation(string Vi, string En);

/// <summary>Short explanations of indications and sub-indications for people reading a report.</summary>
public static class IndicationExplanations
{
    /// <summary>Explains <paramref name="indication"/>.</summary>
    public static Explanation For(Indication indication) => indication switch
    {
        Indication.TotalPassed => new("Chữ ký hợp lệ: mọi bước kiểm tra đều đạt.", "The signature is valid: every check passed."),
        Indication.TotalFailed => new("Chữ ký không hợp lệ.", "The signature is not valid."),
        _ => new("Chưa thể kết luận chữ ký có hợp lệ hay không.", "It cannot yet be determined whether the signature is valid."),
    };

    /// <summary>Explains <paramref name="subIndication"/>.</summary>
    public static Explanation For(SubIndication subIndication) => subIndication switch
    {
        SubIndication.HashFailure => new("Nội dung đã bị thay đổi sau khi ký.", "The content was changed after it was signed."),
        SubIndication.SigCryptoFailure => new("Giá trị chữ ký không khớp với khóa công khai của người ký.", "The signature value does not match the signer's public key."),
        SubIndication.Revoked => new("Chứng thư số đã bị thu hồi trước thời điểm ký.", "The certificate was revoked before the signature was made."),
        SubIndication.RevokedNoPoe => new("Chứng thư số đã bị thu hồi và không có bằng chứng chữ ký được tạo trước khi thu hồi.", "The certificate is revoked and nothing proves the signature was made before that."),
        SubIndication.RevokedCaNoPoe => new("Chứng thư của CA trong chuỗi đã bị thu hồi.", "A CA certificate in the chain is revoked."),
        SubIndication.OutOfBoundsNoPoe => new("Chứng thư số đã hết hạn (hoặc chưa có hiệu lực) và không có bằng chứng chữ ký được tạo khi chứng thư còn hiệu lực.", "The certificate is expired (or not yet valid) and nothing proves the signature was made while it was valid."),
        SubIndication.NotYetValid => new("Thời điểm ký nằm trước ngày chứng thư số có hiệu lực.", "The signing time is before the certificate became valid."),
        SubIndication.NoCertificateChainFound => new("Chứng thư số không được cấp bởi tổ chức tin cậy nào đã cấu hình.", "The certificate does not chain to any configured trusted authority."),
        SubIndication.ChainConstraintsFailure => new("Chuỗi chứng thư số vi phạm ràng buộc.", "The certificate chain breaks a constraint."),
        SubIndication.NoSigningCertificateFound => new("Không tìm thấy chứng thư số của người ký.", "The signer's certificate was not found."),
        SubIndication.TryLater => new("Chưa lấy được thông tin thu hồi (OCSP/CRL); hãy thử lại sau.", "Revocation information (OCSP/CRL) is not available; try again later."),
        SubIndication.FormatFailure => new("Chữ ký sai định dạng.", "The signature is malformed."),
        SubIndication.SignedDataNotFound => new("Thiếu nội dung đã được ký.", "The signed content is missing."),
        SubIndication.CryptoConstraintsFailure => new("Thuật toán mật mã của chữ ký chưa được hỗ trợ hoặc bị cấm, nên chưa thể kiểm tra giá trị chữ ký.", "The signature uses a cryptographic algorithm that is not supported or not allowed, so its value could not be checked."),
        _ => new(subIndication.ToString(), subIndication.ToString()),
    };
}
