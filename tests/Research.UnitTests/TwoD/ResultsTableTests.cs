using Research.Evaluation.Tables;

namespace Research.UnitTests.TwoD;

public class ResultsTableTests
{
    private static ResultsTable Tiny() =>
        new ResultsTable([TableColumn.Text("method"), TableColumn.Number("NFE"), TableColumn.Text("modes"), TableColumn.Number("HQ %", "F1")])
            .AddRow("ddpm", 4, "25/25", 98.87)
            .AddRow("gan, \"v2\"", 1, "3/25", double.NaN)
            .AddFootnote("σ=1/3, threshold 10, n=2,500.");

    [Test]
    public void ToMarkdown_TinyTable_IsExact()
    {
        const string expected =
            "| method    | NFE | modes | HQ % |\n" +
            "| :-------- | --: | :---- | ---: |\n" +
            "| ddpm      |   4 | 25/25 | 98.9 |\n" +
            "| gan, \"v2\" |   1 | 3/25  |  NaN |\n" +
            "\n" +
            "σ=1/3, threshold 10, n=2,500.\n";
        Assert.That(Tiny().ToMarkdown(), Is.EqualTo(expected));
    }

    [Test]
    public void ToCsv_CommasAndQuotes_AreQuotedPerRfc4180()
    {
        const string expected =
            "method,NFE,modes,HQ %\r\n" +
            "ddpm,4,25/25,98.9\r\n" +
            "\"gan, \"\"v2\"\"\",1,3/25,NaN\r\n";
        Assert.That(Tiny().ToCsv(), Is.EqualTo(expected));
    }

    [Test]
    public void ToText_TinyTable_IsAligned()
    {
        const string expected =
            "method     NFE  modes  HQ %\n" +
            "---------  ---  -----  ----\n" +
            "ddpm         4  25/25  98.9\n" +
            "gan, \"v2\"    1  3/25    NaN\n" +
            "\n" +
            "σ=1/3, threshold 10, n=2,500.\n";
        Assert.That(Tiny().ToText(), Is.EqualTo(expected));
    }

    [Test]
    public void AddRow_NumbersAndSpecialCells_FormatInvariantly()
    {
        // The invariant culture writes percentages as "98.9 %".
        var table = new ResultsTable([TableColumn.Number("a", "N0"), TableColumn.Number("b"), TableColumn.Text("c"), TableColumn.Number("d", "P1")])
            .AddRow(1234567L, 1.0 / 3.0, null, 0.9889)
            .AddRow(0, double.PositiveInfinity, "a|b\nc", 1.0);
        Assert.That(table.Rows[0], Is.EqualTo(new[] { "1,234,567", "0.333333", "", "98.9 %" }));
        Assert.That(table.Rows[1], Is.EqualTo(new[] { "0", "inf", "a|b\nc", "100.0 %" }));
        Assert.That(table.ToCsv(), Does.Contain("\"1,234,567\",0.333333,,98.9 %\r\n"));
        Assert.That(table.ToCsv(), Does.Contain(",\"a|b\nc\","));
        Assert.That(table.ToMarkdown(), Does.Contain("a\\|b<br>c"));
    }

    [Test]
    public void AddRow_WrongCellCount_Throws()
    {
        var table = new ResultsTable([TableColumn.Text("x"), TableColumn.Text("y")]);
        Assert.Throws<ArgumentException>(() => table.AddRow("only one"));
    }

    [Test]
    public void WriteCsvAndMarkdown_Always_WriteTheSameStringsWithoutBom()
    {
        var table = Tiny();
        var folder = Path.Combine(TestContext.CurrentContext.WorkDirectory, "TwoD", "tables");
        var csv = Path.Combine(folder, "t.csv");
        var md = Path.Combine(folder, "t.md");
        table.WriteCsv(csv);
        table.WriteMarkdown(md);
        Assert.That(File.ReadAllBytes(csv).Take(3), Is.Not.EqualTo(new byte[] { 0xEF, 0xBB, 0xBF }));
        Assert.That(File.ReadAllText(csv), Is.EqualTo(table.ToCsv()));
        Assert.That(File.ReadAllText(md), Is.EqualTo(table.ToMarkdown()));
    }
}
