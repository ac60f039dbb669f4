from zerowaste.cli import main

main()
