namespace Signing.Api.Features.Web.Pages;

/// <summary>The texts of the home page.</summary>
public static class HomeText
{
    /// <summary>The page title.</summary>
    public static readonly Phrase Title = new("Trang chủ", "Home");

    /// <summary>The greeting, with the person's name.</summary>
    public static readonly Phrase Greeting = new("Xin chào, {0}", "Hello, {0}");

    /// <summary>The account section's heading.</summary>
    public static readonly Phrase AccountHeading = new("Tài khoản của bạn", "Your account");

    /// <summary>The username's label.</summary>
    public static readonly Phrase Username = new("Tên đăng nhập", "Username");

    /// <summary>The position's label.</summary>
    public static readonly Phrase Position = new("Chức vụ", "Position");

    /// <summary>The agency's label.</summary>
    public static readonly Phrase Agency = new("Cơ quan", "Agency");

    /// <summary>The agency identifier code's label (Decision 20/2020/QĐ-TTg).</summary>
    public static readonly Phrase AgencyCode = new("Mã định danh cơ quan", "Agency identifier code");

    /// <summary>The province's label.</summary>
    public static readonly Phrase Province = new("Tỉnh, thành phố", "Province");

    /// <summary>The roles' label.</summary>
    public static readonly Phrase Roles = new("Vai trò", "Roles");

    /// <summary>The heading of the list of pages the person may use.</summary>
    public static readonly Phrase WhatYouCanDo = new("Bạn có thể", "What you can do");
}
