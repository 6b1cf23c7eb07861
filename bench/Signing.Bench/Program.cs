using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Signing.Bench -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Signing.Bench.PdfBenchmarks).Assembly).Run(args);
