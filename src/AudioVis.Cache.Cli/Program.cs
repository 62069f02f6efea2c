// Entry point of the audiovis-cache tool; its commands are added with the CLI issue.
Console.Error.WriteLine("audiovis-cache: no commands are available in this build.");
return 1;
