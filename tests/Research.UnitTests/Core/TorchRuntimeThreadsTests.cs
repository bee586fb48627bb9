using Research.Core.Runtime;
using TorchSharp;

namespace Research.UnitTests.Core;

/// <summary>A run that names no thread count gets libtorch's default, whatever an earlier run in the process set.</summary>
[NonParallelizable]
public class TorchRuntimeThreadsTests
{
    [Test]
    public void Initialize_WithoutThreads_AfterARunThatSetThem_RestoresTheProcessDefault()
    {
        TorchRuntime.Initialize();
        int fallback = TorchRuntime.DefaultThreads!.Value;
        try
        {
            TorchRuntime.Initialize(threads: fallback + 1);
            Assert.That(torch.get_num_threads(), Is.EqualTo(fallback + 1));
            TorchRuntime.Initialize();   // the next run of a sequential 'research run' names no count
            Assert.That(torch.get_num_threads(), Is.EqualTo(fallback));
        }
        finally
        {
            torch.set_num_threads(fallback);
        }
    }
}
