from xuncha.cli import main

main()
