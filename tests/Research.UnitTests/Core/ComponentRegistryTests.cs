using Microsoft.Extensions.DependencyInjection;
using Research.Core.Registry;

namespace Research.UnitTests.Core;

public class ComponentRegistryTests
{
    private sealed class FakeOptions { public int X { get; set; } = 1; }

    [Test]
    public void Build_DuplicateKey_Throws()
    {
        var services = new ServiceCollection().AddComponentRegistry()
            .AddParameterization<FakeOptions>("dup", "a", ["n"], [], (_, _) => throw new NotImplementedException())
            .AddParameterization<FakeOptions>("dup", "b", ["n"], [], (_, _) => throw new NotImplementedException());
        using var sp = services.BuildServiceProvider();
        Assert.That(() => sp.GetRequiredService<ComponentRegistry>(), Throws.InvalidOperationException.With.Message.Contains("Duplicate parameterization key 'dup'"));
    }

    [Test]
    public void Get_UnknownKey_ListsKnownKeys()
    {
        using var sp = new ServiceCollection().AddComponentRegistry()
            .AddParameterization<FakeOptions>("alpha", "a", ["n"], [], (_, _) => throw new NotImplementedException())
            .AddParameterization<FakeOptions>("beta", "b", ["n"], [], (_, _) => throw new NotImplementedException())
            .BuildServiceProvider();
        var registry = sp.GetRequiredService<ComponentRegistry>();
        Assert.That(() => registry.Get(ComponentKind.Parameterization, "gamma"),
            Throws.TypeOf<KeyNotFoundException>().With.Message.Contains("Known: alpha, beta"));
    }

    [TestCase("Upper")]
    [TestCase("under_score")]
    [TestCase("")]
    public void Build_MalformedKey_Throws(string key)
    {
        using var sp = new ServiceCollection().AddComponentRegistry()
            .AddBackbone<FakeOptions>(key, "x", (_, _) => throw new NotImplementedException()).BuildServiceProvider();
        Assert.That(() => sp.GetRequiredService<ComponentRegistry>(), Throws.InvalidOperationException);
    }

    [Test]
    public void AddParameterization_EmaNetworkNotANetwork_Throws() =>
        Assert.That(() => new ServiceCollection().AddParameterization<FakeOptions>("x", "x", ["a"], ["b"], (_, _) => throw new NotImplementedException()),
            Throws.ArgumentException.With.Message.Contains("'b'"));
}
