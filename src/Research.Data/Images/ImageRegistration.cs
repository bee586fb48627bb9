using Microsoft.Extensions.DependencyInjection;
using Research.Core.Registry;

namespace Research.Data.Images;

/// <summary>
/// Registers the image datasets: <c>mnist</c>, <c>fashion-mnist</c>, <c>stacked-mnist</c>, <c>cifar10</c>, <c>image-folder</c>, and
/// <c>synthetic-images</c> (seeded random pixels for benchmarks and tests; nothing to download).
/// </summary>
public static class ImageRegistration
{
    /// <summary>Adds the six image datasets.</summary>
    public static IServiceCollection AddImageDatasets(this IServiceCollection services) =>
        services
            .AddDataset<MnistOptions>(MnistDataset.MnistKey,
                "MNIST digits from idx files (research data fetch mnist); 1×28×28 padded to 32, 10 classes, scaled to [−1, 1]",
                (o, c) => MnistDataset.Create(MnistDataset.MnistKey, o, c.DataRoot),
                ImageProbes.DescribeMnist, (o, c) => ImageProbes.ProbeMnist(MnistDataset.MnistKey, o, c))
            .AddDataset<MnistOptions>(MnistDataset.FashionKey,
                "Fashion-MNIST from idx files (research data fetch fashion-mnist); 1×28×28 padded to 32, 10 classes, scaled to [−1, 1]",
                (o, c) => MnistDataset.Create(MnistDataset.FashionKey, o, c.DataRoot),
                ImageProbes.DescribeMnist, (o, c) => ImageProbes.ProbeMnist(MnistDataset.FashionKey, o, c))
            .AddDataset<StackedMnistOptions>(StackedMnistDataset.Key,
                "StackedMNIST: three MNIST training digits drawn independently as R, G, B (a seeded pool of count images, seed); " +
                "3×28×28 padded to 32, 1000 classes = 100·d_R + 10·d_G + d_B (the modes), scaled to [−1, 1]; reads the mnist files",
                (o, c) => StackedMnistDataset.Create(o, c.DataRoot),
                ImageProbes.DescribeStackedMnist, ImageProbes.ProbeStackedMnist)
            .AddDataset<Cifar10Options>(Cifar10Dataset.Key,
                "CIFAR-10 binary batches; 3×32×32, 10 classes, random horizontal flip, scaled to [−1, 1]",
                (o, c) => Cifar10Dataset.Create(o, c.DataRoot), ImageProbes.DescribeCifar10)
            .AddDataset<ImageFolderOptions>(ImageFolderDataset.Key,
                "Every PNG/JPEG under a folder; centre-cropped and resized, optional labels from subfolders, scaled to [−1, 1]",
                (o, c) => ImageFolderDataset.Create(o, c.DataRoot), ImageProbes.DescribeFolder, ImageProbes.ProbeFolder)
            .AddDataset<SyntheticImagesOptions>(SyntheticImages.Key,
                "Seeded uniform random 8-bit images (count, channels, image_size, num_classes); for benchmarks and tests, no download",
                (o, _) => SyntheticImages.Create(o), ImageProbes.DescribeSynthetic);

}
