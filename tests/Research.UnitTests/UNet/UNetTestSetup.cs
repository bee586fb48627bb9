using Research.Core.Runtime;

namespace Research.UnitTests.UNet;

/// <summary>Runs the process-wide TorchSharp set-up (oneDNN off among others) before the UNet tests, as training does.</summary>
[SetUpFixture]
public class UNetTestSetup
{
    [OneTimeSetUp]
    public void Initialize() => TorchRuntime.Initialize();
}
