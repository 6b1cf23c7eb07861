using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Signing.Cli.Tests;

/// <summary>
/// The commands examples/merger.sh relies on: <c>devpki reissue</c> certifies the same public key under a new subject
/// (openssl verifies it against the dev chain), and <c>demo communes</c> makes communes under free codes with their
/// staff's certificates as files to import.
/// </summary>
[Collection(DevPkiCliCollection.Name)]
public sealed class MergerWalkthroughCommandTests(DevPkiCliFixture pki)
{
    [Fact]
    public async Task Reissue_KeepsThePublicKey_UnderTheNewSubject()
    {
        var work = pki.WorkDir();
        var csr = Path.Combine(work, "req.pem");
        var old = Path.Combine(work, "old.pem");
        var renewed = Path.Combine(work, "new.pem");
        var (csrExit, csrOut) = Cli.OpenSsl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", Path.Combine(work, "key.pem"), "-out", csr, "-utf8",
            "-subj", "/C=VN/L=Tỉnh Phú Thọ/O=ỦY BAN NHÂN DÂN XÃ AN THỊNH/OU=Văn phòng/CN=Trần Thị Bình");
        Assert.True(csrExit == 0, csrOut);
        Assert.Equal(0, (await Cli.RunAsync("devpki", "issue", "--dir", pki.Dir, "--csr", csr, "--out", old)).ExitCode);

        var result = await Cli.RunAsync("devpki", "reissue", "--dir", pki.Dir, "--cert", old, "--out", renewed,
            "--subject", "CN=Trần Thị Bình, OU=Phòng Kinh tế, O=ỦY BAN NHÂN DÂN XÃ HÒA AN, L=Tỉnh Phú Thọ, C=VN, E=binh@hoaan.phutho.gov.vn");
        Assert.True(result.ExitCode == 0, result.Error);
        var before = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(old));
        var after = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(renewed));
        Assert.Equal(before.PublicKey.ExportSubjectPublicKeyInfo(), after.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.NotEqual(before.SerialNumber, after.SerialNumber);
        Assert.Contains("O=ỦY BAN NHÂN DÂN XÃ HÒA AN", after.Subject, StringComparison.Ordinal);
        Assert.Contains("OU=Phòng Kinh tế", after.Subject, StringComparison.Ordinal);
        var (verifyExit, verify) = Cli.OpenSsl("verify", "-CAfile", pki.Path_("root.pem"), "-untrusted", pki.Path_("ca.pem"), renewed);
        Assert.True(verifyExit == 0, verify);

        var bad = await Cli.RunAsync("devpki", "reissue", "--dir", pki.Dir, "--cert", old, "--out", renewed, "--subject", "CN=\"unterminated");
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("signing devpki reissue:", bad.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DemoCommunes_TakeFreeCodes_WithStaffAndTheirCertificates()
    {
        var data = pki.WorkDir();
        var first = Path.Combine(data, "first");
        var run = await Cli.RunAsync("demo", "communes", "--data", data, "--pki", pki.Dir, "--out", first, "--count", "2", "--staff", "3");
        Assert.True(run.ExitCode == 0, run.Error);
        using var made = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(first, "communes.json")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(first, "communes.json")));
        var communes = made.RootElement.GetProperty("communes").EnumerateArray().ToList();
        Assert.Equal(["000.00.90.H42", "000.00.91.H42"], communes.Select(c => c.GetProperty("code").GetString()));
        Assert.Equal("000.00.92.H42", made.RootElement.GetProperty("freeCode").GetString());

        var anThinh = communes[0];
        Assert.Equal("ỦY BAN NHÂN DÂN XÃ AN THỊNH (DEMO)", anThinh.GetProperty("name").GetString());
        Assert.Equal(["anthinh-nv01", "anthinh-nv02", "anthinh-nv03"], anThinh.GetProperty("staff").EnumerateArray().Select(s => s.GetString()));
        var rows = (await File.ReadAllLinesAsync(anThinh.GetProperty("staffCsv").GetString()!)).ToList();
        Assert.Equal("certificate,holder,kind", rows[0]);
        Assert.Equal(4, rows.Count);
        var staff = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(rows[1].Split(',')[0]));
        Assert.Contains("O=ỦY BAN NHÂN DÂN XÃ AN THỊNH,", staff.Subject, StringComparison.Ordinal);
        Assert.Contains("anthinh-nv01@anthinh.demo.gov.vn", staff.Subject, StringComparison.Ordinal);
        Assert.Equal("anthinh-nv01", rows[1].Split(',')[1]);
        var seal = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(anThinh.GetProperty("agencyPem").GetString()!));
        Assert.StartsWith("CN=ỦY BAN NHÂN DÂN XÃ AN THỊNH,", seal.Subject, StringComparison.Ordinal);

        // A second walkthrough on the same data makes new communes beside the first.
        var again = await Cli.RunAsync("demo", "communes", "--data", data, "--out", Path.Combine(data, "second"), "--count", "1", "--staff", "1");
        Assert.True(again.ExitCode == 0, again.Error);
        Assert.Contains("(000.00.92.H42)", again.Output, StringComparison.Ordinal);
        Assert.Equal(2, (await Cli.RunAsync("demo", "communes", "--data", data, "--out", data, "--count", "9")).ExitCode);
    }
}
