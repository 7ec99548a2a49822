import NuanxinCLI

Nuanxin.main()
