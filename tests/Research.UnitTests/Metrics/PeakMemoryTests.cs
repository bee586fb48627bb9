using Research.Evaluation.Metrics;
using static TorchSharp.torch;

namespace Research.UnitTests.Metrics;

[NonParallelizable]
public class PeakMemoryTests
{
    [Test]
    public void ParseKilobytes_StatusLine_GivesBytes()
    {
        Assert.That(PeakMemory.ParseKilobytes("VmHWM:\t  123456 kB"), Is.EqualTo(123456L * 1024));
        // From 10 GB on the kernel pads no space after the tab (a StackedMNIST draw died here at 12.8 GB).
        Assert.That(PeakMemory.ParseKilobytes("VmHWM:\t12870520 kB"), Is.EqualTo(12870520L * 1024));
        Assert.Throws<FormatException>(() => PeakMemory.ParseKilobytes("VmHWM: lots"));
    }

    [Test]
    public void Read_AfterANativeAllocation_PeakCoversIt()
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("VmHWM is Linux-only.");
        var reset = PeakMemory.TryResetPeak();
        var before = PeakMemory.Read();
        Assert.That(before.Source, Is.EqualTo("/proc/self/status"));
        Assert.That(before.PeakResidentBytes, Is.GreaterThanOrEqualTo(before.ResidentBytes).And.GreaterThan(0));
        Assert.That(before.ManagedHeapBytes, Is.GreaterThan(0));
        using (var big = ones(16L << 20)) // 16 Mi float32 = 64 MiB of native memory, touched by the fill
            Assert.That(big.sum().item<float>(), Is.EqualTo(16L << 20));
        var after = PeakMemory.Read();
        TestContext.Out.WriteLine($"reset {reset}; peak {before.PeakResidentMiB:F0} → {after.PeakResidentMiB:F0} MiB");
        Assert.That(after.PeakResidentBytes - before.ResidentBytes, Is.GreaterThan(48L << 20));
    }
}
