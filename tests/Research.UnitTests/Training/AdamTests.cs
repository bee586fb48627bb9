using Research.Training.Optimization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.UnitTests.Training;

/// <summary>
/// Our Adam and AdamW (owned Scalars, Optimization/Adam.cs) against TorchSharp's: the same weights bit for bit, and
/// optimizer state that moves between the two, so checkpoints written before the switch still resume exactly.
/// </summary>
public class AdamTests
{
    private static nn.Module<Tensor, Tensor> Net(long seed)
    {
        manual_seed(seed);
        return nn.Sequential(nn.Linear(5, 16), nn.SiLU(), nn.Linear(16, 3));
    }

    // k steps of a regression loss on fixed data; a fresh batch per step from its own generator.
    private static void Train(nn.Module<Tensor, Tensor> net, OptimizerHelper opt, int steps, ulong dataSeed)
    {
        using var g = new Generator(dataSeed);
        for (int i = 0; i < steps; i++)
        {
            using var scope = NewDisposeScope();
            var x = randn([32, 5], generator: g);
            var y = randn([32, 3], generator: g);
            opt.zero_grad();
            nn.functional.mse_loss(net.call(x), y).backward();
            opt.step();
        }
    }

    private static void AssertSameWeights(nn.Module a, nn.Module b)
    {
        var pa = a.parameters().ToList();
        var pb = b.parameters().ToList();
        Assert.That(pa, Has.Count.EqualTo(pb.Count));
        for (int i = 0; i < pa.Count; i++)
            Assert.That(pa[i].data<float>().ToArray(), Is.EqualTo(pb[i].data<float>().ToArray()), $"parameter {i} differs");
    }

    private static OptimizerHelper Ours(string type, nn.Module net, double wd) => type == "adamw"
        ? new Research.Training.Optimization.AdamW(net.parameters(), 3e-3, 0.5, 0.9, 1e-8, wd)
        : new Research.Training.Optimization.Adam(net.parameters(), 3e-3, 0.5, 0.9, 1e-8, wd);

    private static OptimizerHelper Theirs(string type, nn.Module net, double wd) => type == "adamw"
        ? optim.AdamW(net.parameters(), 3e-3, 0.5, 0.9, 1e-8, wd)
        : optim.Adam(net.parameters(), 3e-3, 0.5, 0.9, 1e-8, wd);

    [TestCase("adam", 0.0)]
    [TestCase("adam", 0.01)]
    [TestCase("adamw", 0.0)]
    [TestCase("adamw", 0.05)]
    public void Step_BitIdenticalToTorchSharp(string type, double weightDecay)
    {
        using var a = Net(3);
        using var b = Net(3);
        using var ours = Ours(type, a, weightDecay);
        using var theirs = Theirs(type, b, weightDecay);
        Train(a, ours, 25, dataSeed: 7);
        Train(b, theirs, 25, dataSeed: 7);
        AssertSameWeights(a, b);
        using var fresh = Net(3);
        Assert.That(a.parameters().First().data<float>().ToArray(), Is.Not.EqualTo(fresh.parameters().First().data<float>().ToArray()),
            "the optimizer did not move the weights");
    }

    [TestCase("adam")]
    [TestCase("adamw")]
    public void State_WrittenByTorchSharp_ResumesBitExactly(string type)
    {
        // Reference: 20 steps of TorchSharp's optimizer. Resumed: 10 steps of TorchSharp's, its weights and state
        // moved into a fresh network with our optimizer, then 10 more.
        using var reference = Net(5);
        using var refOpt = Theirs(type, reference, 0.01);
        Train(reference, refOpt, 10, dataSeed: 1);
        Train(reference, refOpt, 10, dataSeed: 2);

        using var first = Net(5);
        using var firstOpt = Theirs(type, first, 0.01);
        Train(first, firstOpt, 10, dataSeed: 1);
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true)) firstOpt.save_state_dict(w);

        using var resumed = Net(99);
        using (no_grad())
            foreach (var (dst, src) in resumed.parameters().Zip(first.parameters())) dst.copy_(src);
        using var ourOpt = Ours(type, resumed, 0.01);
        ms.Position = 0;
        using (var r = new BinaryReader(ms)) ourOpt.load_state_dict(r);
        Train(resumed, ourOpt, 10, dataSeed: 2);
        AssertSameWeights(resumed, reference);
    }
    /// <summary>
    /// A thread forcing collections and finalizers while Adam, AdamW and gradient clipping run thousands of updates: any
    /// Scalar the update leaves to the finalizer (such as the implicit alpha of <c>add_(scalar)</c>, which killed this
    /// within seconds before the update owned it) is freed while libtorch reads it, and libtorch throws from Scalar.h.
    /// </summary>
    [Test]
    [NonParallelizable]
    public void Updates_UnderConstantCollection_NoFreedScalarIsRead()
    {
        manual_seed(3);
        using var net = nn.Sequential(nn.Linear(256, 1024), nn.SiLU(), nn.Linear(1024, 256));   // updates long enough to be caught
        using var adam = new Research.Training.Optimization.Adam(net.parameters(), 1e-3, 0.9, 0.999, 1e-8, 0.01);
        using var adamw = new Research.Training.Optimization.AdamW(net.parameters(), 1e-3, 0.9, 0.999, 1e-8, 0.01);
        using var stop = new CancellationTokenSource();
        var collector = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        }) { IsBackground = true };
        collector.Start();
        try
        {
            for (int i = 0; i < 1500; i++)
            {
                using var scope = NewDisposeScope();
                foreach (var p in net.parameters()) p.grad = ones_like(p);
                var grads = net.parameters().Select(p => p.grad!).ToList();
                using var norm = stack(grads.Select(g => g.norm())).norm();
                GradientClipping.Scale(grads, norm, 0.5);
                (i % 2 == 0 ? (optim.Optimizer)adam : adamw).step();
            }
        }
        finally
        {
            stop.Cancel();
            collector.Join();
        }
        Assert.That(net.parameters().All(p => p.isfinite().all().item<bool>()), Is.True);
    }
}
