using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.Sqlite;

namespace Signing.Storage.Sqlite;

/// <summary>
/// The connection <see cref="SqliteDatabase.OpenAsync"/> hands out: a pooled <see cref="SqliteHandle"/> on loan until
/// the session closes, whose commands reuse the handle's compiled statements.
/// </summary>
internal sealed class SqliteSession : DbConnection
{
    private readonly SqliteDatabase _database;
    private SqliteHandle? _handle;
    private SqliteTransaction? _transaction;

    public SqliteSession(SqliteDatabase database, SqliteHandle handle)
    {
        _database = database;
        _handle = handle;
    }

    /// <summary>The handle on loan; a closed session has none.</summary>
    public SqliteHandle Handle => _handle ?? throw new InvalidOperationException("The SQLite session is closed.");

    /// <summary>The transaction begun on this session, while it is neither committed nor rolled back.</summary>
    public SqliteTransaction? ActiveTransaction => _transaction?.Connection is null ? null : _transaction;

    [AllowNull]
    public override string ConnectionString
    {
        get => _handle?.Connection.ConnectionString ?? string.Empty;
        set => throw new NotSupportedException("A SQLite session's connection string is the database's.");
    }

    public override string Database => "main";

    public override string DataSource => Handle.Connection.DataSource;

    public override string ServerVersion => Handle.Connection.ServerVersion;

    public override ConnectionState State => _handle is null ? ConnectionState.Closed : ConnectionState.Open;

    public override void ChangeDatabase(string databaseName) => throw new NotSupportedException();

    public override void Open()
    {
        if (_handle is null)
        {
            throw new InvalidOperationException("A closed SQLite session cannot reopen; open a new one from the database.");
        }
    }

    public override void Close()
    {
        if (_handle is not { } handle)
        {
            return;
        }

        _transaction?.Dispose();
        _transaction = null;
        handle.ReclaimLeaked();
        _handle = null;
        _database.Return(handle);
        OnStateChange(new StateChangeEventArgs(ConnectionState.Open, ConnectionState.Closed));
    }

    protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel)
        => _transaction = Handle.Connection.BeginTransaction(isolationLevel);

    /// <summary>Begins a deferred transaction, which takes a lock only when a statement needs one.</summary>
    public SqliteTransaction BeginDeferred() => _transaction = Handle.Connection.BeginTransaction(deferred: true);

    protected override DbCommand CreateDbCommand() => new SqliteSessionCommand(this) { Transaction = ActiveTransaction };

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Close();
        }

        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync()
    {
        Close();
        return base.DisposeAsync();
    }
}

/// <summary>
/// A command of a <see cref="SqliteSession"/>: it collects its text and values, and runs them on the handle's cached
/// <see cref="SqliteCommand"/> for that text.
/// </summary>
internal sealed class SqliteSessionCommand : DbCommand
{
    private readonly SqliteSession _session;

    // Holds the values until the command runs; a SqliteParameterCollection cannot be created on its own.
    private readonly SqliteCommand _values = new();
    private SqliteCommand? _running;
    private SqliteHandle? _runningOn;

    public SqliteSessionCommand(SqliteSession session)
    {
        _session = session;
    }

    [AllowNull]
    public override string CommandText { get; set; } = string.Empty;

    public override int CommandTimeout { get; set; } = 30;

    public override CommandType CommandType
    {
        get => CommandType.Text;
        set
        {
            if (value != CommandType.Text)
            {
                throw new ArgumentException("SQLite runs SQL text only.", nameof(value));
            }
        }
    }

    public override bool DesignTimeVisible { get; set; }

    public override UpdateRowSource UpdatedRowSource { get; set; }

    protected override DbConnection? DbConnection
    {
        get => _session;
        set
        {
            if (!ReferenceEquals(value, _session))
            {
                throw new NotSupportedException("A SQLite session command stays on its session.");
            }
        }
    }

    protected override DbParameterCollection DbParameterCollection => _values.Parameters;

    protected override DbTransaction? DbTransaction { get; set; }

    public override void Cancel()
    {
    }

    public override void Prepare()
    {
    }

    protected override DbParameter CreateDbParameter() => new SqliteParameter();

    public override int ExecuteNonQuery() => Bind().ExecuteNonQuery();

    public override object? ExecuteScalar() => Bind().ExecuteScalar();

    protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior) => Bind().ExecuteReader(behavior);

    public override Task<int> ExecuteNonQueryAsync(CancellationToken cancellationToken) => Bind().ExecuteNonQueryAsync(cancellationToken);

    public override Task<object?> ExecuteScalarAsync(CancellationToken cancellationToken) => Bind().ExecuteScalarAsync(cancellationToken);

    protected override async Task<DbDataReader> ExecuteDbDataReaderAsync(CommandBehavior behavior, CancellationToken cancellationToken)
        => await Bind().ExecuteReaderAsync(behavior, cancellationToken);

    private SqliteCommand Bind()
    {
        var handle = _session.Handle;
        if (_running is null || !ReferenceEquals(_runningOn, handle) || _running.CommandText != CommandText)
        {
            Release();
            _running = handle.Rent(CommandText);
            _runningOn = handle;
        }

        _running.Transaction = (SqliteTransaction?)Transaction;
        _running.CommandTimeout = CommandTimeout;
        _running.Parameters.Clear();
        foreach (SqliteParameter value in _values.Parameters)
        {
            _running.Parameters.Add(value);
        }

        return _running;
    }

    private void Release()
    {
        if (_running is { } running && _runningOn is { } handle)
        {
            handle.Return(running);
        }

        _running = null;
        _runningOn = null;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Release();
            _values.Dispose();
        }

        base.Dispose(disposing);
    }
}
