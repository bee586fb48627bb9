using Research.Cli;

return CliApp.Run(args, Console.Out, Console.Error);
