namespace Research.Data.Images;

/// <summary>Options of <c>cifar10</c> (the binary version: <c>data_batch_1.bin</c> … <c>data_batch_5.bin</c>, <c>test_batch.bin</c>).</summary>
public sealed class Cifar10Options : ImageDataOptions
{
    /// <summary>Defaults: native 32×32, random horizontal flip on (DDPM, arXiv 2006.11239 App. B; DDGAN, docs/methods.md §4.5).</summary>
    public Cifar10Options() => Flip = true;
}
